package org.spfgate.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spfgate.config.ConfigLoader;
import org.spfgate.config.GatewayConfig;

/**
 * docker/kubernetes/ read as the Kubernetes API reads it, offline: every manifest is bound to
 * the API's object model (fabric8's, generated from the Kubernetes OpenAPI schema) with unknown
 * fields as errors — a misspelt {@code readinesProbe} fails here, not silently on a cluster — and
 * its ports, probes, paths and timings are checked against the config the ConfigMap carries.
 */
class KubernetesFilesTest {

    private static final Path DIR = ShippedLaunch.REPO.resolve("docker/kubernetes");
    /** The graceful stop: 60 s for transactions in flight, then 5 s to close (README, Operations). */
    private static final int SHUTDOWN_SECONDS = 60 + 5;

    /**
     * The model keeps unknown fields in an "additionalProperties" map (@JsonAnySetter). Ignoring
     * that annotation makes every unknown field an error, as {@code kubectl apply --validate=strict}.
     */
    private static final ObjectMapper STRICT = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated a) {
                    return Boolean.FALSE;
                }
            });
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "apps/v1 Deployment", Deployment.class,
            "v1 Service", Service.class,
            "policy/v1 PodDisruptionBudget", PodDisruptionBudget.class,
            "autoscaling/v2 HorizontalPodAutoscaler", HorizontalPodAutoscaler.class);

    private static JsonNode kustomization;
    private static final List<HasMetadata> objects = new ArrayList<>();
    private static Deployment deployment;
    private static GatewayConfig config;

    @BeforeAll
    static void readEverything() throws Exception {
        kustomization = new ObjectMapper(new YAMLFactory()).readTree(DIR.resolve("kustomization.yaml").toFile());
        for (JsonNode resource : kustomization.get("resources")) {
            objects.addAll(readStrictly(DIR.resolve(resource.asText())));
        }
        deployment = only(Deployment.class);
        JsonNode generator = kustomization.get("configMapGenerator").get(0);
        assertEquals("spfgate-config", generator.get("name").asText());
        assertEquals("spfgate.yaml", generator.get("files").get(0).asText());
        config = ConfigLoader.load(DIR.resolve("spfgate.yaml"));
    }

    private static List<HasMetadata> readStrictly(Path file) throws IOException {
        List<HasMetadata> read = new ArrayList<>();
        for (JsonNode document : new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class)
                .readValues(file.toFile()).readAll().stream().map(JsonNode.class::cast).toList()) {
            String kind = document.path("apiVersion").asText() + " " + document.path("kind").asText();
            Class<? extends HasMetadata> type = KINDS.get(kind);
            assertNotNull(type, file + ": a kind this test knows: " + kind);
            read.add(STRICT.treeToValue(document, type));
        }
        return read;
    }

    private static <T> T only(Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), "one " + type.getSimpleName());
        return found.get(0);
    }

    private static PodSpec pod() {
        return deployment.getSpec().getTemplate().getSpec();
    }

    private static Container container() {
        assertEquals(1, pod().getContainers().size());
        return pod().getContainers().get(0);
    }

    private static int containerPort(String name) {
        return container().getPorts().stream().filter(p -> p.getName().equals(name))
                .map(ContainerPort::getContainerPort).findFirst().orElseThrow(() -> new AssertionError("port " + name));
    }

    @Test
    void anUnknownFieldIsAnError() throws Exception {
        String misspelt = Files.readString(DIR.resolve("deployment.yaml")).replace("readinessProbe:", "readinesProbe:");
        assertThrows(UnrecognizedPropertyException.class,
                () -> STRICT.treeToValue(new ObjectMapper(new YAMLFactory()).readTree(misspelt), Deployment.class));
    }

    @Test
    void everyManifestIsOneOfTheExpectedObjects() {
        assertEquals(List.of("Deployment spfgate", "Service spfgate-smtp", "Service spfgate-metrics",
                "PodDisruptionBudget spfgate", "HorizontalPodAutoscaler spfgate"),
                objects.stream().map(o -> o.getKind() + " " + o.getMetadata().getName()).toList());
    }

    @Test
    void theContainerPortsAreTheConfigsListenersAndTheServicesPointAtThem() {
        assertEquals(1, config.server().listen().size());
        assertEquals(config.server().listen().get(0).port(), containerPort("smtp"));
        assertEquals(config.metrics().listen().port(), containerPort("metrics"));
        assertEquals("0.0.0.0", config.metrics().listen().host(), "the kubelet probes the pod's address");

        Service smtp = objects.stream().filter(o -> o.getMetadata().getName().equals("spfgate-smtp"))
                .map(Service.class::cast).findFirst().orElseThrow();
        assertEquals(25, smtp.getSpec().getPorts().get(0).getPort());
        assertEquals("smtp", smtp.getSpec().getPorts().get(0).getTargetPort().getStrVal());
        // SPF needs the client's own address: kept by Local, or carried by PROXY protocol
        assertTrue("Local".equals(smtp.getSpec().getExternalTrafficPolicy()) || !config.server().proxyProtocol().isEmpty(),
                "client IP preserved");
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        for (HasMetadata o : objects) {
            if (o instanceof Service s) {
                assertTrue(podLabels.entrySet().containsAll(s.getSpec().getSelector().entrySet()), s.getMetadata().getName());
            }
        }
        assertEquals(podLabels, deployment.getSpec().getSelector().getMatchLabels());
        assertEquals(podLabels, only(PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels());
    }

    @Test
    void readinessIsHealthAndEveryProbeAsksTheMetricsPort() {
        Container c = container();
        assertEquals("/health", c.getReadinessProbe().getHttpGet().getPath());
        for (var probe : List.of(c.getReadinessProbe(), c.getLivenessProbe(), c.getStartupProbe())) {
            String port = probe.getHttpGet().getPort().getStrVal();
            assertEquals(config.metrics().listen().port(), containerPort(port));
            assertTrue(List.of("/health", "/metrics").contains(probe.getHttpGet().getPath()), "a path the endpoint serves");
        }
    }

    @Test
    void theGracePeriodCoversPreStopAndTheWholeDrain() {
        List<String> preStop = container().getLifecycle().getPreStop().getExec().getCommand();
        assertEquals("sleep", preStop.get(0));
        int sleep = Integer.parseInt(preStop.get(1));
        assertTrue(sleep + SHUTDOWN_SECONDS < pod().getTerminationGracePeriodSeconds(),
                sleep + " s preStop + " + SHUTDOWN_SECONDS + " s drain < " + pod().getTerminationGracePeriodSeconds());
        assertEquals(0, deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal());
    }

    @Test
    void theConfigAndCertificateFilesAreWhereTheVolumesAreMounted() {
        List<String> args = container().getArgs();
        assertEquals(List.of("run", "--config"), args.subList(0, 2));
        Path configFile = Path.of(args.get(2));
        Map<String, String> mounts = new java.util.HashMap<>();
        for (VolumeMount m : container().getVolumeMounts()) {
            mounts.put(m.getName(), m.getMountPath());
        }
        assertEquals(Path.of(mounts.get("config"), "spfgate.yaml"), configFile);
        assertEquals("spfgate-config", pod().getVolumes().stream().filter(v -> v.getName().equals("config"))
                .findFirst().orElseThrow().getConfigMap().getName());
        var tls = config.server().tls();
        assertNotNull(tls, "STARTTLS on the public MX");
        assertEquals(Path.of(mounts.get("tls")), tls.certificate().getParent());
        assertEquals(Path.of(mounts.get("tls")), tls.key().getParent());
        assertEquals(List.of("tls.crt", "tls.key"), List.of(tls.certificate().getFileName().toString(),
                tls.key().getFileName().toString()), "the keys of a kubernetes.io/tls Secret");
    }

    @Test
    void theUserIsTheImagesAndTheMemoryLimitHoldsTheHeapTheLauncherAllows() throws Exception {
        String dockerfile = Files.readString(ShippedLaunch.REPO.resolve("docker/Dockerfile"));
        long uid = pod().getSecurityContext().getRunAsUser();
        assertTrue(dockerfile.contains("useradd --system --uid " + uid + " "), "runAsUser " + uid + " is the image's user");

        String launcher = Files.readString(ShippedLaunch.LAUNCHER);
        java.util.regex.Matcher xmx = java.util.regex.Pattern.compile("-Xmx(\\d+)m").matcher(launcher);
        assertTrue(xmx.find());
        long heap = Long.parseLong(xmx.group(1)) << 20;
        long jvmBeyondHeap = 85L << 20; // docs/benchmarks.md: RSS before the first message, NMT breakdown
        var resources = container().getResources();
        long limit = Quantity.getAmountInBytes(resources.getLimits().get("memory")).longValueExact();
        long request = Quantity.getAmountInBytes(resources.getRequests().get("memory")).longValueExact();
        assertTrue(limit >= heap + jvmBeyondHeap, "memory limit " + limit + " holds the heap cap and the JVM");
        assertTrue(request >= 150_000_000L, "request covers the measured RSS at 50 sessions (≤ 150 MB)");
    }

    @Test
    void theAutoscalerScalesThisDeploymentAndNeverBelowTwo() {
        HorizontalPodAutoscaler hpa = only(HorizontalPodAutoscaler.class);
        assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
        assertEquals(deployment.getMetadata().getName(), hpa.getSpec().getScaleTargetRef().getName());
        assertTrue(hpa.getSpec().getMinReplicas() >= 2);
        assertNotNull(container().getResources().getRequests().get("cpu"), "CPU utilization needs a CPU request");
    }
}
