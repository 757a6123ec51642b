package io.rulecast.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes manifests in {@code deploy/k8s/} parse as YAML, are of the Flink Kubernetes
 * Operator's {@code flink.apache.org/v1beta1} kind, and fit together and with the job: the
 * properties the ConfigMap holds pass the job's own configuration checks.
 */
class DeployManifestsTest {
    private static final Path DIR = Path.of("..", "deploy", "k8s");
    private static final YAMLMapper YAML = new YAMLMapper();

    @TempDir Path tmp;

    private static JsonNode read(String file) throws IOException {
        return YAML.readTree(DIR.resolve(file).toFile());
    }

    @Test
    void flinkDeploymentRunsTheJobInApplicationMode() throws IOException {
        JsonNode d = read("flinkdeployment.yaml");
        assertEquals("flink.apache.org/v1beta1", d.path("apiVersion").asText());
        assertEquals("FlinkDeployment", d.path("kind").asText());
        JsonNode spec = d.path("spec");
        assertEquals("v2_2", spec.path("flinkVersion").asText());
        assertFalse(spec.path("image").asText().isBlank(), "spec.image");
        // A FlinkDeployment with spec.job is an application cluster.
        JsonNode job = spec.path("job");
        assertEquals(RulecastJob.class.getName(), job.path("entryClass").asText());
        assertEquals("local:///opt/flink/usrlib/rulecast-engine.jar", job.path("jarURI").asText());
        assertEquals("savepoint", job.path("upgradeMode").asText());
        assertEquals("running", job.path("state").asText());
        assertTrue(job.path("parallelism").asInt() >= 1, "spec.job.parallelism");

        JsonNode conf = spec.path("flinkConfiguration");
        for (String key :
                List.of(
                        "execution.checkpointing.dir",
                        "execution.checkpointing.savepoint-dir",
                        "high-availability.storageDir")) {
            assertTrue(conf.path(key).asText().matches("[a-z0-9]+://.+"), key + " is a URI");
        }
        assertEquals("fixed-delay", conf.path("restart-strategy.type").asText());
        assertEquals(
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                conf.path("metrics.reporter.prom.factory.class").asText());
        assertTrue(
                conf.path("env.java.default-opts.all")
                        .asText()
                        .contains("--add-opens=java.base/java.util=ALL-UNNAMED"));
    }

    @Test
    void theJobReadsTheConfigMapAndTheSecret() throws IOException {
        JsonNode spec = read("flinkdeployment.yaml").path("spec");
        JsonNode configMap = read("configmap.yaml");
        JsonNode secret = read("secret.yaml");
        assertEquals("v1", configMap.path("apiVersion").asText());
        assertEquals("ConfigMap", configMap.path("kind").asText());
        assertEquals("v1", secret.path("apiVersion").asText());
        assertEquals("Secret", secret.path("kind").asText());

        JsonNode pod = spec.path("podTemplate").path("spec");
        JsonNode container = pod.path("containers").path(0);
        assertEquals("flink-main-container", container.path("name").asText());
        assertEquals(
                secret.path("metadata").path("name").asText(),
                container.path("envFrom").path(0).path("secretRef").path("name").asText());
        JsonNode volume = pod.path("volumes").path(0);
        assertEquals(
                configMap.path("metadata").path("name").asText(),
                volume.path("configMap").path("name").asText());
        JsonNode mount = container.path("volumeMounts").path(0);
        assertEquals(volume.path("name").asText(), mount.path("name").asText());

        // --config names the properties file the ConfigMap mounts.
        List<String> args = YAML.convertValue(spec.path("job").path("args"), List.class);
        assertEquals("--config", args.get(0));
        Path file = Path.of(args.get(1));
        assertEquals(mount.path("mountPath").asText(), file.getParent().toString());
        String properties = configMap.path("data").path(file.getFileName().toString()).asText(null);
        assertTrue(properties != null, "the ConfigMap has no key " + file.getFileName());

        // The Secret holds exactly the passwords the job takes from its environment.
        Set<String> secretKeys = new HashSet<>();
        secret.path("stringData").fieldNames().forEachRemaining(secretKeys::add);
        assertEquals(
                Set.of(RulecastConfig.ENV_RULES_PASSWORD, RulecastConfig.ENV_SINK_PASSWORD),
                secretKeys);

        // The properties pass the job's own checks (keys, types), with the Secret's values.
        Path copy = Files.writeString(tmp.resolve("rulecast.properties"), properties);
        Map<String, String> env =
                Map.of(
                        RulecastConfig.ENV_RULES_PASSWORD,
                        "x",
                        RulecastConfig.ENV_SINK_PASSWORD,
                        "y");
        RulecastConfig config = RulecastConfig.load(copy, Map.of(), env);
        assertTrue(config.get(RulecastOptions.RULES_JDBC_URL).startsWith("jdbc:mysql://"));
        assertEquals(
                null, config.raw(RulecastOptions.PARALLELISM.key()), "spec.job.parallelism rules");
    }

    @Test
    void prometheusScrapesThePodsOnTheReportersPort() throws IOException {
        JsonNode spec = read("flinkdeployment.yaml").path("spec");
        String port = spec.path("flinkConfiguration").path("metrics.reporter.prom.port").asText();
        JsonNode pod = spec.path("podTemplate");
        JsonNode annotations = pod.path("metadata").path("annotations");
        assertEquals("true", annotations.path("prometheus.io/scrape").asText());
        assertEquals(port, annotations.path("prometheus.io/port").asText());
        JsonNode containerPort = pod.path("spec").path("containers").path(0).path("ports").path(0);
        assertEquals(port, containerPort.path("containerPort").asText());

        JsonNode monitor = read("podmonitor.yaml");
        assertEquals("monitoring.coreos.com/v1", monitor.path("apiVersion").asText());
        assertEquals("PodMonitor", monitor.path("kind").asText());
        // It selects the pods by their labels and scrapes the named container port.
        JsonNode podLabels = pod.path("metadata").path("labels");
        monitor.path("spec")
                .path("selector")
                .path("matchLabels")
                .fields()
                .forEachRemaining(
                        e ->
                                assertEquals(
                                        e.getValue().asText(),
                                        podLabels.path(e.getKey()).asText(),
                                        "pod label " + e.getKey()));
        assertFalse(monitor.path("spec").path("selector").path("matchLabels").isEmpty());
        assertEquals(
                containerPort.path("name").asText(),
                monitor.path("spec").path("podMetricsEndpoints").path(0).path("port").asText());
    }

    @Test
    void kustomizationListsEveryManifest() throws IOException {
        JsonNode k = read("kustomization.yaml");
        assertEquals("Kustomization", k.path("kind").asText());
        List<String> resources = YAML.convertValue(k.path("resources"), List.class);
        assertEquals(
                Set.of("configmap.yaml", "secret.yaml", "flinkdeployment.yaml"),
                Set.copyOf(resources));
        for (String r : resources) {
            assertTrue(Files.isRegularFile(DIR.resolve(r)), r);
        }
        // The image build puts the jar where spec.job.jarURI looks for it.
        assertTrue(
                Files.readString(DIR.resolve("Dockerfile"))
                        .contains("/opt/flink/usrlib/rulecast-engine.jar"));
    }
}
