package org.spfgate.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the YAML reader and the config binder: any text is a configuration
 * or a list of errors, each with a message and a position that exists in the text — never
 * another exception, so that {@code config --check} and a reload always report instead of
 * crashing. A normal build replays the committed corpus ({@code ConfigLoaderFuzzTestInputs/});
 * how to fuzz is in docs/fuzzing.md.
 */
class ConfigLoaderFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void anyTextIsAConfigOrErrorsWithKeyAndLine(byte[] input) {
        String yaml = new String(input, StandardCharsets.UTF_8);
        // YAML 1.1 line breaks, as the parser counts them: CRLF, CR, LF, NEL, LS, PS
        int lines = yaml.split("\r\n|[\r\n\u0085\u2028\u2029]", -1).length;
        try {
            GatewayConfig config = ConfigLoader.parse(yaml, "fuzz.yaml");
            assertNotNull(config.server());
            assertFalse(config.server().listen().isEmpty());
            assertFalse(config.domains().isEmpty());
        } catch (ConfigException refused) {
            assertFalse(refused.errors().isEmpty());
            for (ConfigError error : refused.errors()) {
                assertNotNull(error.message());
                assertFalse(error.message().isBlank(), error::toString);
                // positions come from the parser: at most one past the last line
                assertTrue(error.line() >= 0 && error.line() <= lines + 1, () -> error + " in " + lines + " lines");
            }
        }
    }
}
