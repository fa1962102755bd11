package org.spfgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.spfgate.config.ConfigLoader;
import org.spfgate.config.GatewayConfig;

/**
 * No Docker engine runs here, so the container files are checked for what can go wrong without
 * one: the jar the image copies is the jar the build makes, the config the image runs with is
 * valid, and the ports, service names and files the three files name agree with each other.
 */
class ContainerFilesTest {

    /** Surefire runs in the module directory, {@code gateway/}. */
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path DOCKER = REPO.resolve("docker");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static Dockerfile dockerfile() throws Exception {
        return Dockerfile.read(DOCKER.resolve("Dockerfile"));
    }

    @Test
    void theImageCopiesTheJarTheMavenBuildMakes() throws Exception {
        String pom = Files.readString(REPO.resolve("gateway/pom.xml"));
        Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
        assertTrue(finalName.find(), "gateway/pom.xml sets the jar's name");
        assertFalse(pom.contains("<shadedArtifactAttached>true"), "the shaded jar replaces the main jar");
        String builtJar = "gateway/target/" + finalName.group(1) + ".jar";
        assertEquals("gateway/target/spfgate.jar", builtJar, "the jar docs/contract.md §1 names");

        Dockerfile docker = dockerfile();
        assertEquals(1, docker.lastStage(), "two stages: build and runtime");
        assertEquals("maven:3.9-eclipse-temurin-25 AS build", docker.inStage(0, "FROM").get(0).arguments());
        assertEquals("eclipse-temurin:25-jre", docker.inStage(1, "FROM").get(0).arguments());
        String workdir = docker.inStage(0, "WORKDIR").get(0).arguments();
        assertTrue(docker.inStage(0, "RUN").stream().anyMatch(r -> r.arguments().matches("mvn .*\\bpackage\\b.*")),
                "the build stage packages from the root POM in " + workdir);
        assertEquals(List.of("--from=build " + workdir + "/" + builtJar + " /opt/spfgate/spfgate.jar"),
                docker.inStage(1, "COPY").stream().map(Dockerfile.Instruction::arguments)
                        .filter(a -> a.startsWith("--from=")).toList());
    }

    @Test
    void theImageRunsTheJarAsAnUnprivilegedUserWithTheConfigInEtc() throws Exception {
        Dockerfile docker = dockerfile();
        // the launcher finds the image's JRE (JAVA_HOME) and adds the JVM options we ship
        assertEquals(List.of("/opt/spfgate/bin/spfgate", "run", "--config", "/etc/spfgate/spfgate.yaml"),
                docker.command());
        assertTrue(docker.inStage(1, "COPY").stream()
                .anyMatch(c -> c.arguments().equals("bin/spfgate bin/java-home.sh /opt/spfgate/bin/")));
        assertEquals("spfgate", docker.inStage(1, "USER").get(0).arguments());
        assertTrue(docker.inStage(1, "COPY").stream()
                .anyMatch(c -> c.arguments().equals("docker/spfgate.yaml /etc/spfgate/spfgate.yaml")));
        assertEquals(Set.of("25", "9025"), Set.of(docker.inStage(1, "EXPOSE").get(0).arguments().split("\\s+")));
    }

    @Test
    void everyFileTheDockerfilesCopyExistsInTheirBuildContext() throws Exception {
        JsonNode compose = YAML.readTree(DOCKER.resolve("compose.yaml").toFile());
        List<String> missing = new ArrayList<>();
        for (JsonNode service : compose.get("services")) {
            JsonNode build = service.get("build");
            if (build == null) {
                continue;
            }
            Path context = DOCKER.resolve(build.get("context").asText()).normalize();
            Path file = context.resolve(build.has("dockerfile") ? build.get("dockerfile").asText() : "Dockerfile");
            assertTrue(Files.isRegularFile(file), file + " exists");
            for (Dockerfile.Instruction copy : Dockerfile.read(file).all("COPY")) {
                if (copy.arguments().startsWith("--from=")) {
                    continue;
                }
                String[] parts = copy.arguments().split("\\s+");
                for (int i = 0; i < parts.length - 1; i++) {
                    if (!Files.exists(context.resolve(parts[i]))) {
                        missing.add(file + ": COPY " + parts[i]);
                    }
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void everyFileTheComposeFileMountsExists() throws Exception {
        JsonNode compose = YAML.readTree(DOCKER.resolve("compose.yaml").toFile());
        assertEquals(Set.of("spfgate", "postfix", "prometheus", "grafana"), names(compose.get("services")));
        List<String> missing = new ArrayList<>();
        for (JsonNode service : compose.get("services")) {
            for (JsonNode volume : service.path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith(".") && !Files.exists(DOCKER.resolve(source))) {
                    missing.add(source);
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void theContainerConfigIsValidAndItsPortsAreTheOnesExposedPublishedAndScraped() throws Exception {
        GatewayConfig config = ConfigLoader.load(DOCKER.resolve("spfgate.yaml"));
        int smtpPort = config.server().listen().get(0).port();
        int metricsPort = config.metrics().listen().port();
        assertEquals(25, smtpPort);
        assertEquals("0.0.0.0", config.metrics().listen().host(), "reachable from the prometheus container");

        Set<String> exposed = Set.of(dockerfile().inStage(1, "EXPOSE").get(0).arguments().split("\\s+"));
        assertTrue(exposed.contains(Integer.toString(smtpPort)), "EXPOSE " + exposed);
        assertTrue(exposed.contains(Integer.toString(metricsPort)), "EXPOSE " + exposed);

        JsonNode prometheus = YAML.readTree(DOCKER.resolve("prometheus.yml").toFile());
        JsonNode job = prometheus.get("scrape_configs").get(0);
        assertEquals("/metrics", job.get("metrics_path").asText());
        assertEquals("spfgate:" + metricsPort, job.get("static_configs").get(0).get("targets").get(0).asText());

        JsonNode compose = YAML.readTree(DOCKER.resolve("compose.yaml").toFile());
        Set<String> published = new TreeSet<>();
        compose.get("services").get("spfgate").get("ports")
                .forEach(p -> published.add(p.asText().substring(p.asText().lastIndexOf(':') + 1)));
        assertEquals(Set.of(Integer.toString(smtpPort), Integer.toString(metricsPort)), published);
        assertTrue(compose.get("services").has(config.relay().host()),
                "relay.host " + config.relay().host() + " is a compose service");
        assertEquals(25, config.relay().port());
    }

    @Test
    void prometheusLoadsTheRulesAndGrafanaTheDashboardFromTheMountedFiles() throws Exception {
        JsonNode compose = YAML.readTree(DOCKER.resolve("compose.yaml").toFile());
        Map<String, String> prometheusMounts = mounts(compose.get("services").get("prometheus"));
        JsonNode prometheus = YAML.readTree(DOCKER.resolve("prometheus.yml").toFile());
        String rules = prometheus.get("rule_files").get(0).asText();
        assertEquals("./prometheus-rules.yml", prometheusMounts.get(rules), "rule_files names the mounted rules file");

        Map<String, String> grafanaMounts = mounts(compose.get("services").get("grafana"));
        assertEquals("./grafana/provisioning", grafanaMounts.get("/etc/grafana/provisioning"));
        JsonNode provider = YAML.readTree(DOCKER.resolve("grafana/provisioning/dashboards/spfgate.yml").toFile())
                .get("providers").get(0);
        String dashboards = provider.get("options").get("path").asText();
        assertTrue(Files.isRegularFile(DOCKER.resolve(grafanaMounts.get(dashboards)).resolve("spfgate.json")),
                "the provider's path is the mounted docker/grafana/dashboards");
        JsonNode datasource = YAML.readTree(DOCKER.resolve("grafana/provisioning/datasources/prometheus.yml").toFile())
                .get("datasources").get(0);
        assertEquals("http://prometheus:9090", datasource.get("url").asText());
        JsonNode dashboard = new ObjectMapper().readTree(DOCKER.resolve("grafana/dashboards/spfgate.json").toFile());
        for (JsonNode panel : dashboard.get("panels")) {
            assertEquals(datasource.get("uid").asText(), panel.get("datasource").get("uid").asText(),
                    "panel '" + panel.get("title").asText() + "' uses the provisioned data source");
        }
    }

    /** A compose service's bind mounts: container path → host path. */
    private static Map<String, String> mounts(JsonNode service) {
        Map<String, String> mounts = new java.util.HashMap<>();
        for (JsonNode volume : service.path("volumes")) {
            String[] parts = volume.asText().split(":");
            mounts.put(parts[1], parts[0]);
        }
        return mounts;
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new TreeSet<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
