package io.rulecast.routing;

import io.rulecast.runtime.RuleId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules that run, by {@code (domain, event_type)} in the one order both the job and replay use:
 * higher priority first, then by rule name. Entries are keyed by whatever identifies a rule to the
 * caller (the job: the routing row id; replay: the rule id). Not thread-safe.
 *
 * @param <K> the key of an entry
 * @param <R> the entries
 */
public final class RuleTable<K, R extends RuleTable.Ranked> {

    /** What the order needs of an entry. */
    public interface Ranked {
        RuleId ruleId();

        int priority();
    }

    /** The run order within an event type. */
    public static final Comparator<Ranked> ORDER =
            Comparator.comparingInt(Ranked::priority)
                    .reversed()
                    .thenComparing(r -> r.ruleId().name());

    private final Map<K, R> byKey = new HashMap<>();

    /** The entries of each event type by key; a type without entries has none. */
    private final Map<TypeKey, Map<K, R>> members = new HashMap<>();

    /** Each event type's entries in run order, rebuilt for that type only when it changes. */
    private final Map<TypeKey, List<R>> byType = new HashMap<>();

    /** The entries of an event type in run order; empty when none. */
    public List<R> rulesFor(String domain, String eventType) {
        List<R> rules = byType.get(new TypeKey(domain, eventType));
        return rules == null ? List.of() : rules;
    }

    public R get(K key) {
        return byKey.get(key);
    }

    /** Adds or replaces an entry; returns the one it replaced, or null. */
    public R put(K key, R rule) {
        R old = byKey.put(key, rule);
        TypeKey type = TypeKey.of(rule);
        if (old != null) {
            TypeKey was = TypeKey.of(old);
            if (!was.equals(type)) {
                leave(was, key);
            }
        }
        members.computeIfAbsent(type, t -> new HashMap<>()).put(key, rule);
        reindex(type);
        return old;
    }

    /** Removes an entry; returns it, or null. */
    public R remove(K key) {
        R old = byKey.remove(key);
        if (old != null) {
            leave(TypeKey.of(old), key);
        }
        return old;
    }

    public Collection<R> all() {
        return Collections.unmodifiableCollection(byKey.values());
    }

    public int size() {
        return byKey.size();
    }

    private void leave(TypeKey type, K key) {
        Map<K, R> m = members.get(type);
        m.remove(key);
        if (m.isEmpty()) {
            members.remove(type);
        }
        reindex(type);
    }

    /**
     * Rebuilds the run order of one event type: a change costs the size of its type, not of the
     * table (a thousand rules put one by one at start-up would otherwise sort a thousand rules a
     * thousand times).
     */
    private void reindex(TypeKey type) {
        Map<K, R> m = members.get(type);
        if (m == null) {
            byType.remove(type);
            return;
        }
        List<R> sorted = new ArrayList<>(m.values());
        sorted.sort(ORDER);
        byType.put(type, List.copyOf(sorted));
    }

    private record TypeKey(String domain, String eventType) {
        static TypeKey of(Ranked r) {
            return new TypeKey(r.ruleId().domain(), r.ruleId().eventType());
        }
    }
}
