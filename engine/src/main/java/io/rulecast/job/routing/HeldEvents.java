package io.rulecast.job.routing;

import io.rulecast.job.events.RoutedEvent;
import io.rulecast.job.output.Messages;
import io.rulecast.job.output.OutputMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.runtime.state.KeyedStateFunction;

/**
 * The events a routing instance holds while it cannot route them: until the rules source's first
 * complete read ({@code SYNCED}) has arrived — on a fresh start, and after every restore, since the
 * restored rules may have been deleted or changed since the checkpoint — and, after it, while their
 * key still holds older events, so that no event of a key overtakes another.
 *
 * <p>Events are kept per key, in arrival order, in keyed list state, which is checkpointed with the
 * timers that release them. How many keys hold events (and how many events) is counted here for the
 * instance; the counts are not state: after a restore they are counted again from the keyed state
 * itself ({@link #recount}) before the first rules record is handled, so a key that still holds
 * events goes on holding its new ones behind them.
 *
 * <p>Bounded: beyond {@code routing.hold.max-events} held events, an event is refused (the caller
 * dead-letters it {@code RULES_NOT_READY}); holding for longer than {@code
 * routing.hold.alert-after}, or refusing, raises {@link Messages#RULES_NOT_SYNCED} once.
 */
final class HeldEvents {

    /** Applies a function to the list of every key that has one (Flink's applyToKeyedState). */
    @FunctionalInterface
    interface AllKeys {
        void apply(KeyedStateFunction<String, ListState<RoutedEvent>> f) throws Exception;
    }

    /** What {@link #hold} did. */
    enum Held {
        /** The key held nothing before: the caller registers the timer that releases it. */
        FIRST_OF_KEY,
        /** Behind the key's earlier events. */
        BEHIND,
        /** Not held: the bound is reached. */
        REFUSED
    }

    private final ListState<RoutedEvent> waiting;
    private final int maxEvents;
    private final long alertAfterMillis;
    private final String alertsTopic;
    private final String where;

    private boolean synced;
    private boolean counted;
    private int keys;
    private long events;
    private long holdingSince = -1;
    private boolean lateAlerted;
    private boolean fullAlerted;

    HeldEvents(
            ListState<RoutedEvent> waiting,
            int maxEvents,
            long alertAfterMillis,
            String alertsTopic,
            String where) {
        this.waiting = waiting;
        this.maxEvents = Math.max(0, maxEvents);
        this.alertAfterMillis = alertAfterMillis;
        this.alertsTopic = alertsTopic;
        this.where = where;
    }

    /** Whether the rules source's first complete read since this instance opened has arrived. */
    boolean synced() {
        return synced;
    }

    void markSynced() {
        synced = true;
    }

    /** Whether the counts were taken from the keyed state since this instance opened. */
    boolean counted() {
        return counted;
    }

    /**
     * Counts the keys holding events, and their events, from the keyed state (after a restore they
     * come back from the checkpoint; these counts do not).
     */
    void recount(AllKeys allKeys) throws Exception {
        int[] k = {0};
        long[] n = {0};
        allKeys.apply(
                (key, list) -> {
                    long c = 0;
                    for (RoutedEvent ignored : list.get()) {
                        c++;
                    }
                    if (c > 0) {
                        k[0]++;
                        n[0] += c;
                    }
                });
        keys = k[0];
        events = n[0];
        counted = true;
    }

    /**
     * Whether the current key's event must wait: the rules are not complete yet, or the key still
     * holds older events (read from the keyed state only while some key holds events).
     */
    boolean mustWait() throws Exception {
        return !synced || (keys > 0 && keyHolds());
    }

    /** Holds the current key's event behind its earlier ones, unless the bound is reached. */
    Held hold(RoutedEvent event, long now) throws Exception {
        if (events >= maxEvents) {
            return Held.REFUSED;
        }
        boolean first = !keyHolds();
        waiting.add(event);
        events++;
        if (first) {
            keys++;
        }
        if (holdingSince < 0) {
            holdingSince = now;
        }
        return first ? Held.FIRST_OF_KEY : Held.BEHIND;
    }

    /** Takes the current key's held events, oldest first, out of the state. */
    List<RoutedEvent> release() throws Exception {
        List<RoutedEvent> out = new ArrayList<>();
        waiting.get().forEach(out::add);
        waiting.clear();
        if (!out.isEmpty()) {
            keys = Math.max(0, keys - 1);
            events = Math.max(0, events - out.size());
        }
        return out;
    }

    /** Events held now (gauge {@code eventsHeld}). */
    long size() {
        return events;
    }

    /**
     * The alert for an instance that has waited for the rules longer than allowed, once; else null.
     */
    OutputMessage lateAlert(long now) {
        if (synced || lateAlerted || holdingSince < 0 || now - holdingSince < alertAfterMillis) {
            return null;
        }
        lateAlerted = true;
        return alert(
                now,
                "WARN",
                "no complete read of the rules for "
                        + (now - holdingSince)
                        + " ms: "
                        + events
                        + " events are held, in order, until the rules arrive");
    }

    /** The alert for the first event refused, once; else null. */
    OutputMessage fullAlert(long now) {
        if (fullAlerted) {
            return null;
        }
        fullAlerted = true;
        return alert(
                now,
                "ERROR",
                "holding "
                        + events
                        + " events (routing.hold.max-events) without the rules: further events"
                        + " go to the dead-letter topic with reason RULES_NOT_READY until the"
                        + " rules arrive");
    }

    private OutputMessage alert(long now, String level, String text) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("held", events);
        fields.put("keys", keys);
        fields.put("maxEvents", maxEvents);
        fields.put("heldForMs", holdingSince < 0 ? 0 : now - holdingSince);
        fields.put("subtask", where);
        return Messages.systemAlert(
                alertsTopic,
                Messages.RULES_NOT_SYNCED,
                level,
                where + ": " + text,
                fields,
                null,
                null,
                null,
                now);
    }

    private boolean keyHolds() throws Exception {
        Iterable<RoutedEvent> held = waiting.get();
        return held != null && held.iterator().hasNext();
    }
}
