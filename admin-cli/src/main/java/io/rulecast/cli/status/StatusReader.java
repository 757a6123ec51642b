package io.rulecast.cli.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the per-rule metrics of a running Rulecast job from Flink's REST API (the JobManager of a
 * cluster, or the MiniCluster of {@code rulecast run}): counters and gauges aggregated over the
 * routing instances with {@code /jobs/ID/vertices/VID/subtasks/metrics?get=…&agg=…}. One {@link
 * #sample()} is a snapshot; rates come from two of them.
 */
public final class StatusReader {
    /** A per-rule metric id: {@code <operator>.domain.D.event_type.T.rule.R.<metric>}. */
    private static final Pattern RULE_METRIC =
            Pattern.compile(
                    "(?:.*\\.)?domain\\.([^.]+)\\.event_type\\.([^.]+)\\.rule\\.([^.]+)\\.(processed|failed|breakerState|latencyMicros_p95|rolloutState|shadowCompared|shadowDiffering|candidateFailed|canaryServed)");

    private static final Pattern VERSION_METRIC =
            Pattern.compile(
                    "(?:.*\\.)?domain\\.([^.]+)\\.event_type\\.([^.]+)\\.rule\\.([^.]+)\\.version\\.([^.]+)\\.running");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final String jobSelector;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param baseUrl the REST address, e.g. {@code http://localhost:8081}
     * @param jobSelector a job id or name, or null for the only running job
     */
    public StatusReader(String baseUrl, String jobSelector) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.jobSelector = jobSelector;
    }

    /** A failure to reach the job, with a one-line message. */
    public static final class UnreachableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One rule's numbers, summed (counters) or maxed (gauges) over the routing instances. */
    public record RuleSample(
            String rule,
            long processed,
            long failed,
            double p95Micros,
            int breakerState,
            String version,
            Candidate candidate) {}

    /**
     * What the job counted of a rule's rollout candidate (docs/rollout.md), summed over the routing
     * instances; {@code state} is the highest {@code rolloutState} of any instance: 0 none, 1
     * shadow, 2 canary, 3 aborted, 4 did not compile.
     */
    public record Candidate(
            int state, long compared, long differing, long failed, long canaryServed) {
        public static final Candidate NONE = new Candidate(0, 0, 0, 0, 0);

        /** {@code none}, {@code shadow}, {@code canary}, {@code ABORTED}, {@code NOT COMPILED}. */
        public String stateName() {
            return switch (state) {
                case 1 -> "shadow";
                case 2 -> "canary";
                case 3 -> "ABORTED";
                case 4 -> "NOT COMPILED";
                default -> "none";
            };
        }
    }

    /** Everything one look at the job gives. */
    public record Sample(
            String jobId,
            String jobName,
            long nanos,
            Map<String, RuleSample> rules,
            long rulesStalenessMs,
            long deadLetters) {}

    public Sample sample() throws UnreachableException {
        JsonNode overview = get("/jobs/overview");
        List<JsonNode> running = new ArrayList<>();
        for (JsonNode j : overview.path("jobs")) {
            if (!"RUNNING".equals(j.path("state").asText())) {
                continue;
            }
            if (jobSelector == null
                    || jobSelector.equals(j.path("jid").asText())
                    || jobSelector.equals(j.path("name").asText())) {
                running.add(j);
            }
        }
        if (running.isEmpty()) {
            throw new UnreachableException(
                    "no running job"
                            + (jobSelector == null ? "" : " '" + jobSelector + "'")
                            + " at "
                            + baseUrl,
                    null);
        }
        if (running.size() > 1) {
            List<String> names = new ArrayList<>();
            running.forEach(j -> names.add(j.path("name").asText() + " " + j.path("jid").asText()));
            throw new UnreachableException(
                    "several running jobs at " + baseUrl + ", pick one with --job: " + names, null);
        }
        String jobId = running.get(0).path("jid").asText();
        String jobName = running.get(0).path("name").asText();
        long nanos = System.nanoTime();
        Map<String, long[]> counters = new TreeMap<>();
        Map<String, long[]> candidates = new TreeMap<>();
        Map<String, Double> p95 = new LinkedHashMap<>();
        Map<String, Integer> breaker = new LinkedHashMap<>();
        Map<String, String> versions = new LinkedHashMap<>();
        long staleness = -1;
        long deadLetters = 0;
        for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
            String path = "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText();
            List<String> ids = new ArrayList<>();
            for (JsonNode m : get(path + "/subtasks/metrics")) {
                String id = m.path("id").asText();
                if (RULE_METRIC.matcher(id).matches()
                        || VERSION_METRIC.matcher(id).matches()
                        || id.endsWith(".rulesStalenessMs")
                        || id.endsWith(".deadLetters")) {
                    ids.add(id);
                }
            }
            for (JsonNode m : aggregated(path, ids)) {
                String id = m.path("id").asText();
                double sum = m.path("sum").asDouble(0);
                double max = m.path("max").asDouble(0);
                Matcher r = RULE_METRIC.matcher(id);
                Matcher v = VERSION_METRIC.matcher(id);
                if (r.matches()) {
                    String rule = r.group(1) + "/" + r.group(2) + "/" + r.group(3);
                    long[] c = counters.computeIfAbsent(rule, k -> new long[2]);
                    long[] k = candidates.computeIfAbsent(rule, x -> new long[5]);
                    switch (r.group(4)) {
                        case "processed" -> c[0] = (long) sum;
                        case "failed" -> c[1] = (long) sum;
                        case "breakerState" -> breaker.put(rule, (int) max);
                        case "rolloutState" -> k[0] = (long) max;
                        case "shadowCompared" -> k[1] = (long) sum;
                        case "shadowDiffering" -> k[2] = (long) sum;
                        case "candidateFailed" -> k[3] = (long) sum;
                        case "canaryServed" -> k[4] = (long) sum;
                        default -> p95.put(rule, max);
                    }
                } else if (v.matches()) {
                    if (max >= 1) {
                        versions.put(v.group(1) + "/" + v.group(2) + "/" + v.group(3), v.group(4));
                    }
                } else if (id.endsWith(".rulesStalenessMs")) {
                    staleness = Math.max(staleness, (long) max);
                } else {
                    deadLetters += (long) sum;
                }
            }
        }
        Map<String, RuleSample> rules = new TreeMap<>();
        counters.forEach(
                (rule, c) ->
                        rules.put(
                                rule,
                                new RuleSample(
                                        rule,
                                        c[0],
                                        c[1],
                                        p95.getOrDefault(rule, 0.0),
                                        breaker.getOrDefault(rule, -1),
                                        versions.get(rule),
                                        candidate(candidates.get(rule)))));
        return new Sample(jobId, jobName, nanos, rules, staleness, deadLetters);
    }

    private static Candidate candidate(long[] k) {
        return k == null ? Candidate.NONE : new Candidate((int) k[0], k[1], k[2], k[3], k[4]);
    }

    /** Asks for {@code ids} in batches (a URL has a length limit), summed and maxed. */
    private List<JsonNode> aggregated(String path, List<String> ids) throws UnreachableException {
        List<JsonNode> out = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += 40) {
            String get =
                    URLEncoder.encode(
                            String.join(",", ids.subList(from, Math.min(ids.size(), from + 40))),
                            StandardCharsets.UTF_8);
            get(path + "/subtasks/metrics?agg=sum,max&get=" + get).forEach(out::add);
        }
        return out;
    }

    private JsonNode get(String path) throws UnreachableException {
        try {
            HttpResponse<String> r =
                    http.send(
                            HttpRequest.newBuilder(URI.create(baseUrl + path))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new UnreachableException(
                        "Flink REST API at "
                                + baseUrl
                                + " answered "
                                + r.statusCode()
                                + " to "
                                + path,
                        null);
            }
            return JSON.readTree(r.body());
        } catch (IOException | IllegalArgumentException e) {
            throw new UnreachableException(
                    "cannot reach the Flink REST API at "
                            + baseUrl
                            + " ("
                            + (e.getMessage() == null
                                    ? e.getClass().getSimpleName()
                                    : e.getMessage())
                            + "); is 'rulecast run' or the cluster up? (--flink-rest URL)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted", e);
        }
    }
}
