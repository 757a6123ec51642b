package io.rulecast.job.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus server (the binary of Debian's {@code prometheus} package) on a free port with
 * a configuration and a storage directory of its own: it scrapes one target every second and
 * evaluates rule files every second. {@link #close()} stops it and deletes its files.
 */
final class PrometheusServer implements AutoCloseable {
    static final Path BINARY =
            Path.of(System.getProperty("rulecast.prometheus", "/usr/bin/prometheus"));

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    /**
     * @param target host:port of the Flink Prometheus reporter
     * @param ruleFiles rule files to load (already adapted by the caller)
     */
    PrometheusServer(String target, Path... ruleFiles) throws IOException, InterruptedException {
        dir = Files.createTempDirectory("rulecast-prometheus");
        port = freePort();
        StringBuilder config =
                new StringBuilder()
                        .append("global:\n")
                        .append("  scrape_interval: 1s\n")
                        .append("  evaluation_interval: 1s\n")
                        .append("rule_files:\n");
        for (Path f : ruleFiles) {
            config.append("  - ").append(f.toAbsolutePath()).append('\n');
        }
        config.append("scrape_configs:\n")
                .append("  - job_name: rulecast\n")
                .append("    static_configs:\n")
                .append("      - targets: ['")
                .append(target)
                .append("']\n");
        Path configFile = Files.writeString(dir.resolve("prometheus.yml"), config);
        process =
                new ProcessBuilder(
                                BINARY.toString(),
                                "--config.file=" + configFile,
                                "--storage.tsdb.path=" + dir.resolve("data"),
                                "--web.listen-address=127.0.0.1:" + port,
                                "--log.level=warn")
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("prometheus.log").toFile())
                        .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String log = Files.readString(dir.resolve("prometheus.log"));
                close();
                throw new IllegalStateException("Prometheus did not start:\n" + log);
            }
            Thread.sleep(200);
        }
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The {@code data.result} of an instant query through {@code /api/v1/query}. */
    JsonNode query(String promql) throws IOException, InterruptedException {
        HttpResponse<String> r =
                get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        JsonNode body = JSON.readTree(r.body());
        if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new IllegalArgumentException("query " + promql + " failed: " + r.body());
        }
        return body.path("data").path("result");
    }

    /** {@code data.alerts} of {@code /api/v1/alerts}. */
    JsonNode alerts() throws IOException, InterruptedException {
        return JSON.readTree(get("/api/v1/alerts").body()).path("data").path("alerts");
    }

    /** {@code data.groups} of {@code /api/v1/rules}: rule health and last errors. */
    JsonNode rules() throws IOException, InterruptedException {
        return JSON.readTree(get("/api/v1/rules").body()).path("data").path("groups");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
