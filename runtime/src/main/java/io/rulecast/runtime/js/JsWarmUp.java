package io.rulecast.runtime.js;

import io.rulecast.runtime.FailureReason;
import java.util.List;
import java.util.Map;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * Runs a rule of our own through a fresh engine before any real rule runs. GraalJS on a stock JDK
 * is interpreted, and its first run in a JVM loads and specializes hundreds of classes: without
 * this, the first event of the first JavaScript rule takes longer than the default 100 ms budget
 * and fails with TIMEOUT.
 */
final class JsWarmUp {
    private static final int FAST_ROUNDS = 10;
    private static final long FAST_NANOS = 1_000_000;
    private static final String RULE =
            String.join(
                    "\n",
                    "(function (event, ctx) {'use strict';",
                    "  const p = event.payload;",
                    "  const keys = Object.keys(p);",
                    "  const tags = p.tags.map(t => t.toUpperCase()).filter(t => t.length > 0);",
                    "  const total = p.items.reduce((s, i) => s + i.q, 0);",
                    "  const copy = {...p, extra: `${p.userId}-${p.score}`};",
                    "  const when = new Date(event.timestamp).toISOString();",
                    "  const row = ctx.dim('d', p.userId);",
                    "  ctx.upsert('t', {id: p.userId, n: total});",
                    "  ctx.log(JSON.stringify(copy));",
                    "  let s = 0;",
                    "  for (let i = 0; i < keys.length; i++) { s += keys[i].length; }",
                    "  for (const t of tags) { s += t.length; }",
                    "  if (p.score === undefined || !p.userId) { return null; }",
                    "  return [{user: p.userId, score: Math.round(p.score * 1.5), tags: tags.join(','),",
                    "    keys: keys.length, when: when, known: row ? row.name : null, s: s,",
                    "    ok: /^u-[0-9]+$/.test(p.userId), n: parseInt('42', 10), f: parseFloat('1.5'),",
                    "    sub: String(p.userId).slice(0, 2), has: 'score' in p, arr: [1, 2].concat([3])}];",
                    "})");

    private JsWarmUp() {}

    /**
     * Runs the warm-up rule until {@value #FAST_ROUNDS} rounds in a row took under {@value
     * #FAST_NANOS} ns, or until {@code budgetMillis} passed; returns the number of rounds.
     */
    static int run(Context context, long budgetMillis) {
        Value fn = context.eval("js", RULE);
        Map<String, Object> payload =
                Map.of(
                        "userId",
                        "u-1",
                        "score",
                        35,
                        "tags",
                        List.of("a", "b"),
                        "items",
                        List.of(Map.of("q", 2), Map.of("q", 5)));
        Map<String, Object> event = Map.of("timestamp", 1763800000000L, "payload", payload);
        ProxyExecutable none = args -> null;
        ProxyExecutable dim = args -> JsValues.toJs(Map.of("name", "n"), "row");
        ProxyObject ctx =
                new ProxyObject() {
                    @Override
                    public Object getMember(String key) {
                        return key.equals("dim") ? dim : none;
                    }

                    @Override
                    public Object getMemberKeys() {
                        return ProxyArray.fromArray("upsert", "dim", "log");
                    }

                    @Override
                    public boolean hasMember(String key) {
                        return true;
                    }

                    @Override
                    public void putMember(String key, Value value) {}
                };
        long deadline = System.nanoTime() + budgetMillis * 1_000_000;
        int rounds = 0;
        for (int fast = 0; fast < FAST_ROUNDS && System.nanoTime() - deadline < 0; rounds++) {
            long start = System.nanoTime();
            Value out = fn.execute(new JsValues.ReadOnlyMap(event, "event"), ctx);
            JsValues.toJava(out, FailureReason.BAD_RETURN, "warm-up");
            fast = System.nanoTime() - start < FAST_NANOS ? fast + 1 : 0;
        }
        return rounds;
    }
}
