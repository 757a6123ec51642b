package io.rulecast.job.it;

import io.rulecast.event.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The differential test's generated stream, from a fixed seed. The state key is {@code
 * payload.who.0}, the first element of a list: a number written as {@code 7} or {@code 7.0}, the
 * string {@code "7"} (all three the key "7"), a string {@code "u-7"}, or nothing (an empty list, no
 * list, a null: {@code NO_KEY}). Type {@code touch} runs three rules that share the key's state and
 * record what they saw, so that the rule order and the key function show in the rows: {@code gamma}
 * (priority 9), then {@code alpha} and {@code beta} (priority 5, by name). Type {@code close}
 * deletes the key's row and clears its state; type {@code idle} has no rule; some lines are not
 * events at all. Some events ask a rule to fail ({@code SCRIPT_ERROR}, {@code BAD_RETURN}) or to
 * write a column the table lacks ({@code BAD_OUTPUT}): rarely enough that no breaker opens.
 */
final class GeneratedWorkload {
    static final String KEY_PATH = "payload.who.0";
    static final String WIDE = "diff_wide";
    static final String LOG = "diff_log";

    /** Primary keys of the tables the rules write. */
    static final Map<String, List<String>> KEYS =
            Map.of(WIDE, List.of("acct"), LOG, List.of("event_id", "rule"));

    static final String GAMMA =
            "def p = event.payload\n"
                    + "def seq = (ctx.state.get('seq') ?: '') + 'g'\n"
                    + "ctx.state.put('seq', seq)\n"
                    + "if (p.fail == 'gamma') { return 'not a row' }\n"
                    + "ctx.upsert('"
                    + LOG
                    + "', [event_id: event.eventId, rule: 'gamma', acct: p.acct, seq: seq])\n"
                    + "return null";

    static final String ALPHA =
            "def p = event.payload\n"
                    + "def seq = (ctx.state.get('seq') ?: '') + 'a'\n"
                    + "ctx.state.put('seq', seq)\n"
                    + "def n = ctx.state.incr('n', 1)\n"
                    + "ctx.upsert('"
                    + LOG
                    + "', [event_id: event.eventId, rule: 'alpha', acct: p.acct, seq: seq])\n"
                    + "if (p.fail == 'alpha') { throw new IllegalArgumentException('asked to') }\n"
                    + "ctx.metric('touches', n, [acct: p.acct])\n"
                    + "return [acct: p.acct, seq: seq, n: n, last_event: event.eventId]";

    static final String BETA =
            "const p = event.payload;\n"
                    + "const seq = (ctx.state.get('seq') || '') + 'b';\n"
                    + "ctx.state.put('seq', seq);\n"
                    + "if (p.amount !== undefined && p.amount !== null) {"
                    + " ctx.state.put('amount', p.amount); }\n"
                    + "if (p.bad === 'column') { ctx.upsert('"
                    + WIDE
                    + "', {acct: p.acct, no_such_column: 1}); }\n"
                    + "if (seq.length % 7 === 0) {\n"
                    + "  ctx.alert('WARN', 'seq of ' + p.acct + ' is ' + seq.length,"
                    + " {acct: p.acct, seq: seq, amount: ctx.state.get('amount')});\n"
                    + "}\n"
                    + "ctx.metric('amount', ctx.state.get('amount') || 0, {acct: p.acct});\n"
                    + "ctx.upsert('"
                    + LOG
                    + "', {event_id: event.eventId, rule: 'beta', acct: p.acct, seq: seq});\n"
                    + "return {acct: p.acct, seq: seq, amount: ctx.state.get('amount')};";

    static final String CLOSE =
            "def p = event.payload\n"
                    + "ctx.state.put('seq', null)\n"
                    + "ctx.state.put('n', null)\n"
                    + "ctx.delete('"
                    + WIDE
                    + "', [acct: p.acct])\n"
                    + "ctx.alert('INFO', 'closed ' + p.acct, [acct: p.acct])\n"
                    + "return null";

    private GeneratedWorkload() {}

    static void install(JobFixture job) {
        job.db.execute(
                "DROP TABLE IF EXISTS " + WIDE + ", " + LOG,
                "CREATE TABLE "
                        + WIDE
                        + " (acct VARCHAR(32) PRIMARY KEY, seq VARCHAR(4000), n BIGINT,"
                        + " last_event VARCHAR(32), amount DECIMAL(12, 2))",
                "CREATE TABLE "
                        + LOG
                        + " (event_id VARCHAR(32), rule VARCHAR(8), acct VARCHAR(32),"
                        + " seq VARCHAR(4000), PRIMARY KEY (event_id, rule))");
        String config = "{\"output_table\": \"" + WIDE + "\"}";
        job.rules.insert("diff", "touch", "gamma", "groovy", GAMMA, null, 9);
        job.rules.insert("diff", "touch", "alpha", "groovy", ALPHA, config, 5);
        job.rules.insert("diff", "touch", "beta", "js", BETA, config, 5);
        job.rules.insert("diff", "close", "main", "groovy", CLOSE, null, 0);
    }

    /** {@code n} events and a few lines that are not events, from a fixed seed. */
    static List<String> events(int n) {
        Random r = new Random(12);
        List<String> out = new ArrayList<>(n + n / 50);
        for (int i = 0; i < n; i++) {
            if (i % 100 == 50) {
                out.add("{\"eventId\":\"bad-" + i + "\",");
                out.add("{\"eventId\":\"nodomain-" + i + "\",\"type\":\"touch\",\"payload\":{}}");
            }
            int k = r.nextInt(40);
            Map<String, Object> payload = new LinkedHashMap<>();
            String acct;
            int form = r.nextInt(100);
            if (form < 4) {
                // No key: an empty list, no list, a null element.
                if (form == 0) {
                    payload.put("who", List.of());
                } else if (form == 1) {
                    payload.put("who", java.util.Arrays.asList((Object) null));
                }
                acct = "a-none";
            } else if (form < 30) {
                payload.put("who", List.of(k));
                acct = "a-" + k;
            } else if (form < 55) {
                payload.put("who", List.of((double) k, "x"));
                acct = "a-" + k;
            } else if (form < 70) {
                payload.put("who", List.of(String.valueOf(k)));
                acct = "a-" + k;
            } else {
                payload.put("who", List.of("u-" + (k % 10)));
                acct = "a-u-" + (k % 10);
            }
            payload.put("acct", acct);
            int roll = r.nextInt(100);
            if (roll < 2) {
                payload.put("fail", "alpha");
            } else if (roll < 4) {
                payload.put("fail", "gamma");
            } else if (roll == 4) {
                payload.put("bad", "column");
            }
            if (r.nextInt(3) == 0) {
                payload.put(
                        "amount",
                        r.nextBoolean() ? (Object) (r.nextInt(50) + 0.5) : (Object) (double) k);
            }
            int t = r.nextInt(100);
            String type = t < 85 ? "touch" : t < 93 ? "close" : "idle";
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("eventId", "g-" + i);
            e.put("domain", "diff");
            e.put("type", type);
            e.put("timestamp", 1_763_800_000_000L + i * 1000L);
            e.put("payload", payload);
            out.add(Json.write(e));
        }
        return out;
    }
}
