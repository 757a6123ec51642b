package io.rulecast.cli.replay;

import io.rulecast.runtime.StateStore;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;

/**
 * Replay's {@code ctx.state}: plain maps, one per event key, kept for the whole replay (no TTL).
 * Rules share the state of a key, as they share the job's keyed state.
 */
public final class MemoryStateStore {
    private final Map<String, Map<String, Object>> byKey = new HashMap<>();

    /** The state of one key. */
    public StateStore forKey(String key) {
        Map<String, Object> values = byKey.computeIfAbsent(key, k -> new HashMap<>());
        return new StateStore() {
            @Override
            public Object get(String name) {
                return values.get(name);
            }

            @Override
            public void put(String name, Object value) {
                if (value == null) {
                    values.remove(name);
                } else {
                    values.put(name, value);
                }
            }

            @Override
            public Number incr(String name, Number by) {
                Object old = values.get(name);
                Number base = old instanceof Number n ? n : 0L;
                Number sum = add(base, by == null ? 1L : by);
                values.put(name, sum);
                return sum;
            }
        };
    }

    /** Keys with state, for tests and summaries. */
    public int keys() {
        return byKey.size();
    }

    static Number add(Number a, Number b) {
        if (integral(a) && integral(b)) {
            try {
                return Math.addExact(a.longValue(), b.longValue());
            } catch (ArithmeticException overflow) {
                return BigInteger.valueOf(a.longValue()).add(BigInteger.valueOf(b.longValue()));
            }
        }
        if (a instanceof BigDecimal || b instanceof BigDecimal) {
            return new BigDecimal(a.toString()).add(new BigDecimal(b.toString()));
        }
        return a.doubleValue() + b.doubleValue();
    }

    private static boolean integral(Number n) {
        return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
    }
}
