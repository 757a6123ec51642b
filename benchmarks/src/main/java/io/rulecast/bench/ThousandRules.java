package io.rulecast.bench;

import io.rulecast.runtime.Language;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rules and events of {@link ThousandRulesBenchmark}: {@code types} event types of domain
 * {@code wrongbook} ({@code type_000} …), five small rules each in the style of the wrongbook
 * examples, Groovy and JavaScript alternating ({@code (type + k) % 2}):
 *
 * <ul>
 *   <li>{@code r0}: the wrongbook_add row (dimension lookup, one 11-column {@code
 *       dwd_wrongbook_wide} row with a {@code rev} column the hot updates change);
 *   <li>{@code r1}: a {@code low_score} metric for scores below 60;
 *   <li>{@code r2}: a per-user counter in state, an alert at the 20th mistake;
 *   <li>{@code r3}: a dimension lookup, a metric for the hardest questions;
 *   <li>{@code r4}: a completeness check and a metric for high math scores.
 * </ul>
 *
 * Every script starts with a comment naming its rule, so every rule is a version of its own (no two
 * rules share a compiled class or context).
 */
final class ThousandRules {
    static final String TABLE = BenchDatabase.TABLE;
    static final String ROW_CONFIG = "{\"output_table\": \"" + TABLE + "\"}";
    static final int PER_TYPE = 5;

    private ThousandRules() {}

    /** One routing_configs row. */
    record Rule(String eventType, String name, Language language, String script, String config) {
        String languageName() {
            return language == Language.GROOVY ? "groovy" : "js";
        }
    }

    static String type(int t) {
        return String.format(Locale.ROOT, "type_%03d", t);
    }

    /** The {@code PER_TYPE} rules of each of {@code types} event types. */
    static List<Rule> rules(int types) {
        List<Rule> rules = new ArrayList<>(types * PER_TYPE);
        for (int t = 0; t < types; t++) {
            for (int k = 0; k < PER_TYPE; k++) {
                rules.add(rule(t, k, 0));
            }
        }
        return rules;
    }

    static Rule rule(int t, int k, int rev) {
        Language lang = (t + k) % 2 == 0 ? Language.GROOVY : Language.JS;
        String type = type(t);
        String head = "// thousand-rules " + type + "/r" + k + "\n";
        String body = lang == Language.GROOVY ? groovy(k, rev) : js(k, rev);
        return new Rule(type, "r" + k, lang, head + body, k == 0 ? ROW_CONFIG : "{}");
    }

    private static String groovy(int k, int rev) {
        return switch (k) {
            case 0 ->
                    """
                    def p = event.payload
                    def q = ctx.dim('questions', p.questionId)
                    return [
                        wrongbook_id: p.wrongbookId,
                        user_id     : p.userId,
                        question_id : p.questionId,
                        subject     : p.subject,
                        chapter     : q?.chapter,
                        difficulty  : q?.difficulty,
                        status      : 'OPEN',
                        add_time    : event.timestamp,
                        score       : p.score,
                        source      : p.source ?: 'app',
                        rev         : %d
                    ]
                    """
                            .formatted(rev);
            case 1 ->
                    """
                    def p = event.payload
                    if (p.score != null && p.score < 60) {
                        ctx.metric('low_score', 1, [subject: p.subject])
                    }
                    return null
                    """;
            case 2 ->
                    """
                    def p = event.payload
                    def n = ctx.state.incr("adds:${p.userId}", 1)
                    if (n == 20) {
                        ctx.alert('WARN', "user ${p.userId} added 20 mistakes", [user: p.userId])
                    }
                    return null
                    """;
            case 3 ->
                    """
                    def q = ctx.dim('questions', event.payload.questionId)
                    if (q != null && q.difficulty >= 5) {
                        ctx.metric('hard_question', 1, [chapter: q.chapter])
                    }
                    return null
                    """;
            default ->
                    """
                    def p = event.payload
                    if (!p.wrongbookId || !p.userId) {
                        ctx.log('incomplete event ' + event.eventId)
                        return null
                    }
                    if (p.subject == 'math' && p.score != null && p.score > 90) {
                        ctx.metric('math_high', 1)
                    }
                    return null
                    """;
        };
    }

    private static String js(int k, int rev) {
        return switch (k) {
            case 0 ->
                    """
                    const p = event.payload;
                    const q = ctx.dim('questions', p.questionId);
                    return {
                      wrongbook_id: p.wrongbookId,
                      user_id: p.userId,
                      question_id: p.questionId,
                      subject: p.subject,
                      chapter: q ? q.chapter : null,
                      difficulty: q ? q.difficulty : null,
                      status: 'OPEN',
                      add_time: event.timestamp,
                      score: p.score,
                      source: p.source || 'app',
                      rev: %d,
                    };
                    """
                            .formatted(rev);
            case 1 ->
                    """
                    const p = event.payload;
                    if (p.score != null && p.score < 60) {
                      ctx.metric('low_score', 1, { subject: p.subject });
                    }
                    return null;
                    """;
            case 2 ->
                    """
                    const p = event.payload;
                    const n = ctx.state.incr('adds:' + p.userId, 1);
                    if (n === 20) {
                      ctx.alert('WARN', 'user ' + p.userId + ' added 20 mistakes', { user: p.userId });
                    }
                    return null;
                    """;
            case 3 ->
                    """
                    const q = ctx.dim('questions', event.payload.questionId);
                    if (q != null && q.difficulty >= 5) {
                      ctx.metric('hard_question', 1, { chapter: q.chapter });
                    }
                    return null;
                    """;
            default ->
                    """
                    const p = event.payload;
                    if (!p.wrongbookId || !p.userId) {
                      ctx.log('incomplete event ' + event.eventId);
                      return null;
                    }
                    if (p.subject === 'math' && p.score != null && p.score > 90) {
                      ctx.metric('math_high', 1);
                    }
                    return null;
                    """;
        };
    }

    /**
     * {@code n} wrongbook events spread round-robin over the event types {@code type_000 …
     * type_(hot-1)}, with ids starting {@code prefix}.
     */
    static List<byte[]> events(int n, int hot, String prefix, long seed) {
        List<byte[]> base = BenchData.events(n, seed);
        List<byte[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(retype(base.get(i), type(i % hot), prefix, null));
        }
        return out;
    }

    /** An event of {@link BenchData#events} with another type, id prefix and timestamp. */
    static byte[] retype(byte[] event, String type, String prefix, Long timestamp) {
        String json = new String(event, StandardCharsets.UTF_8);
        json =
                json.replace("\"type\":\"wrongbook_add\"", "\"type\":\"" + type + "\"")
                        .replace("\"wrongbookId\":\"wb-", "\"wrongbookId\":\"" + prefix + "-")
                        .replace("\"eventId\":\"e-", "\"eventId\":\"" + prefix + "-");
        if (timestamp != null) {
            json = json.replaceFirst("\"timestamp\":\\d+", "\"timestamp\":" + timestamp);
        }
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
