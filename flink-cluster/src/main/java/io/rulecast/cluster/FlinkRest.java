package io.rulecast.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The few calls of Flink's REST API the cluster launcher needs, read with Jackson. A call that
 * cannot reach the JobManager, or gets no 200, answers "unknown" (null, -1 or empty) rather than
 * failing: the callers poll.
 */
final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http = HttpClient.newHttpClient();

    FlinkRest(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    /** {@code /overview}: how many TaskManagers are registered, or -1. */
    int taskManagerCount() {
        JsonNode overview = get("/overview");
        return overview == null ? -1 : overview.path("taskmanagers").asInt(-1);
    }

    /** {@code /taskmanagers}: the ids of the registered TaskManagers. */
    List<String> taskManagerIds() {
        List<String> ids = new ArrayList<>();
        JsonNode body = get("/taskmanagers");
        if (body != null) {
            body.path("taskmanagers").forEach(tm -> ids.add(tm.path("id").asText()));
        }
        return ids;
    }

    /** {@code /jobs/ID}: the job's state and whether all its tasks run. Null when unknown. */
    JobView job(String jobId) {
        JsonNode body = get("/jobs/" + jobId);
        if (body == null || !body.hasNonNull("state")) {
            return null;
        }
        JsonNode vertices = body.path("vertices");
        boolean allRunning = vertices.size() > 0;
        for (JsonNode v : vertices) {
            allRunning &= "RUNNING".equals(v.path("status").asText());
        }
        return new JobView(body.path("state").asText(), allRunning);
    }

    /** The state of a job and of its tasks. */
    record JobView(String state, boolean allTasksRunning) {}

    /** A job metric's value ({@code /jobs/ID/metrics?get=NAME}), or -1. */
    long jobMetric(String jobId, String name) {
        JsonNode body = get("/jobs/" + jobId + "/metrics?get=" + name);
        if (body == null) {
            return -1;
        }
        for (JsonNode m : body) {
            if (name.equals(m.path("id").asText())) {
                return m.path("value").asLong(-1);
            }
        }
        return -1;
    }

    /** {@code /jobs/ID/checkpoints}: completed checkpoints, or -1. */
    long completedCheckpoints(String jobId) {
        JsonNode body = get("/jobs/" + jobId + "/checkpoints");
        return body == null ? -1 : body.path("counts").path("completed").asLong(-1);
    }

    /** {@code /jobs/ID/checkpoints}: {@code latest.restored.id}, or -1 if it never restored. */
    long restoredCheckpointId(String jobId) {
        JsonNode body = get("/jobs/" + jobId + "/checkpoints");
        return body == null ? -1 : body.path("latest").path("restored").path("id").asLong(-1);
    }

    /** Asks the JobManager to cancel a job; false when it cannot be reached. */
    boolean requestCancel(String jobId) {
        try {
            http.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/jobs/" + jobId + "?mode=cancel"))
                            .method("PATCH", HttpRequest.BodyPublishers.noBody())
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode get(String path) {
        try {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(URI.create(baseUrl + path))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FlinkClusterException("interrupted", e);
        }
    }
}
