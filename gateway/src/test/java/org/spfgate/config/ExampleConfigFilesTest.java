package org.spfgate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The files in the top-level {@code config/} directory can never rot: each one must load. */
class ExampleConfigFilesTest {

    /** Surefire runs with the gateway module as working directory. */
    private static final Path CONFIG_DIR = Path.of("..", "config");

    static Stream<Path> exampleFiles() throws IOException {
        try (Stream<Path> files = Files.list(CONFIG_DIR)) {
            List<Path> yaml = files.filter(f -> f.getFileName().toString().matches(".*\\.ya?ml")).sorted().toList();
            return yaml.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exampleFiles")
    void everyExampleConfigFileLoadsWithoutError(Path file) throws ConfigException {
        assertNotNull(ConfigLoader.load(file));
    }

    @Test
    void theConfigDirectoryHoldsTheDefaultFileAndTheExamples() throws IOException {
        List<String> names = exampleFiles().map(f -> f.getFileName().toString()).toList();
        assertTrue(names.containsAll(List.of("spfgate.yaml", "exchange-relay.yaml", "report-only.yaml")), names.toString());
    }

    @Test
    void theDefaultConfigFileSaysExactlyWhatTheBuiltInDefaultsAre() throws ConfigException {
        assertEquals(ConfigDefaults.builtIn(), ConfigLoader.load(CONFIG_DIR.resolve("spfgate.yaml")));
    }

    @Test
    void theExchangeExampleRelaysAndTrustsTheBackupMx() throws ConfigException {
        GatewayConfig c = ConfigLoader.load(CONFIG_DIR.resolve("exchange-relay.yaml"));
        assertEquals("exchange.corp.example.org", c.relay().host());
        assertEquals(List.of("backup-mx", "google-forwarding", "university-forwarder"),
                c.trusted().stream().map(TrustedEntry::name).toList());
        assertEquals(TrustedEntry.Treatment.THROUGH, c.trusted().get(0).spf());
        assertEquals(List.of("_spf.google.com"), c.trusted().get(1).spfDomains());
    }

    @Test
    void theReportOnlyExampleNeverRejects() throws ConfigException {
        assertEquals(SpfConfig.Mode.REPORT_ONLY, ConfigLoader.load(CONFIG_DIR.resolve("report-only.yaml")).spf().mode());
    }
}
