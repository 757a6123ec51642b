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
    private Map<TypeKey, List<R>> byType = Map.of();

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
        reindex();
        return old;
    }

    /** Removes an entry; returns it, or null. */
    public R remove(K key) {
        R old = byKey.remove(key);
        if (old != null) {
            reindex();
        }
        return old;
    }

    public Collection<R> all() {
        return Collections.unmodifiableCollection(byKey.values());
    }

    public int size() {
        return byKey.size();
    }

    private void reindex() {
        Map<TypeKey, List<R>> index = new HashMap<>();
        for (R r : byKey.values()) {
            index.computeIfAbsent(
                            new TypeKey(r.ruleId().domain(), r.ruleId().eventType()),
                            k -> new ArrayList<>())
                    .add(r);
        }
        Map<TypeKey, List<R>> sorted = new HashMap<>();
        index.forEach(
                (k, v) -> {
                    v.sort(ORDER);
                    sorted.put(k, List.copyOf(v));
                });
        byType = sorted;
    }

    private record TypeKey(String domain, String eventType) {}
}
