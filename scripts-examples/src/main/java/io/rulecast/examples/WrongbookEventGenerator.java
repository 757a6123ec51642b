package io.rulecast.examples;

import io.rulecast.event.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes a realistic, reproducible stream of wrongbook events as JSONL (one SPEC event per line):
 * the same {@code --seed} and {@code --count} always give the same bytes.
 *
 * <p>What the stream holds, and why:
 *
 * <ul>
 *   <li>{@code wrongbook_add}: students working through homework in sessions of one to four wrong
 *       answers in one subject, mostly in their one or two weak subjects — which is what piles up
 *       the streaks the alert rule looks for. A quarter of adds repeat a question the student
 *       already has in the wrongbook: the same entry ({@code wrongbookId}) again, so {@code
 *       wrong_count} grows and a fixed entry reopens.
 *   <li>{@code wrongbook_fix}: a student corrects an open entry minutes to hours later; half the
 *       fixes carry the entry's {@code addTime}, as a client that kept it would send it.
 *   <li>Out of order: some events arrive a few positions late, and some fixes arrive before the add
 *       they fix (the rules must keep such an entry FIXED).
 *   <li>Faults a real topic has: fixes of entries nobody added, adds without a {@code wrongbookId},
 *       questions missing from the dimension table, an event type no rule serves, timestamps as
 *       ISO-8601 strings, and malformed lines — cut-off JSON, no payload, a payload that is not an
 *       object, a timestamp that is a string of digits, an eventId that is a number.
 * </ul>
 *
 * <p>Usage: {@code WrongbookEventGenerator [--count N] [--seed S] [--out FILE]} (defaults: 200
 * events, seed 42, standard output). The committed {@code wrongbook/events/sample.jsonl} is {@code
 * --count 200 --seed 42}.
 */
public final class WrongbookEventGenerator {
    /** Monday 2025-11-24, 07:30 in China: the stream's first event. */
    static final long START =
            OffsetDateTime.of(2025, 11, 24, 7, 30, 0, 0, ZoneOffset.ofHours(8))
                    .toInstant()
                    .toEpochMilli();

    private static final ZoneOffset CHINA = ZoneOffset.ofHours(8);
    private static final long MINUTE = 60_000L;
    private static final String DOMAIN = "wrongbook";
    private static final String ADD = "wrongbook_add";
    private static final String FIX = "wrongbook_fix";
    private static final String[] ADD_SOURCES = {
        "homework", "homework", "exam", "practice", "photo"
    };
    private static final String[] FIX_METHODS = {"redo", "redo", "video", "teacher", "ai_tutor"};

    private final Random rnd;
    private final int count;
    private final List<String> out = new ArrayList<>();
    private final List<Delayed> delayed = new ArrayList<>();
    private final Map<String, Entry> entryByUserQuestion = new HashMap<>();
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final String[][] weakSubjects;
    private long now = START;
    private int eventSeq;
    private int wbSeq;
    private int malformedSeq;
    private int nextMalformedAt;

    /** One wrongbook entry as the business system knows it. */
    private static final class Entry {
        final String wrongbookId;
        final String userId;
        final String questionId;
        final String subject;
        long addTime;
        boolean open;

        Entry(String wrongbookId, String userId, String questionId, String subject) {
            this.wrongbookId = wrongbookId;
            this.userId = userId;
            this.questionId = questionId;
            this.subject = subject;
        }
    }

    /** A line held back, and how many lines are written before it. */
    private static final class Delayed {
        final String line;
        int after;

        Delayed(String line, int after) {
            this.line = line;
            this.after = after;
        }
    }

    public WrongbookEventGenerator(long seed, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("--count must be 0 or more, got " + count);
        }
        this.rnd = new Random(seed);
        this.count = count;
        this.nextMalformedAt = 10 + rnd.nextInt(30);
        List<String> subjects = WrongbookDimensions.subjects();
        this.weakSubjects = new String[WrongbookDimensions.studentCount()][];
        for (int i = 0; i < weakSubjects.length; i++) {
            String first = subjects.get(rnd.nextInt(subjects.size()));
            String second = subjects.get(rnd.nextInt(subjects.size()));
            weakSubjects[i] =
                    first.equals(second) ? new String[] {first} : new String[] {first, second};
        }
    }

    /** The stream: exactly {@code count} lines. */
    public List<String> generate() {
        while (room()) {
            step();
        }
        // What is still held back arrives last, in the order it was held.
        for (Delayed d : delayed) {
            out.add(d.line);
        }
        delayed.clear();
        return List.copyOf(out);
    }

    private boolean room() {
        return out.size() + delayed.size() < count;
    }

    private void step() {
        advanceClock();
        if (out.size() >= nextMalformedAt) {
            // Spaced rather than drawn per step, so that even a short stream holds every kind.
            nextMalformedAt += 15 + rnd.nextInt(30);
            malformed();
            return;
        }
        double r = rnd.nextDouble();
        if (r < 0.02) {
            fixOfUnknownEntry();
        } else if (r < 0.05) {
            fixBeforeAdd();
        } else if (r < 0.065) {
            unservedEventType();
        } else if (r < 0.53 && fix()) {
            return;
        } else {
            session();
        }
    }

    /** Minutes pass between actions; nobody studies between 22:00 and 07:00. */
    private void advanceClock() {
        now += (2 + rnd.nextInt(40)) * MINUTE + rnd.nextInt(60) * 1000L;
        OffsetDateTime local = Instant.ofEpochMilli(now).atOffset(CHINA);
        if (local.getHour() >= 22) {
            now =
                    local.toLocalDate()
                            .plusDays(1)
                            .atTime(7, rnd.nextInt(60), rnd.nextInt(60))
                            .toInstant(CHINA)
                            .toEpochMilli();
        }
    }

    // ------------------------------------------------------------------ actions

    /** A student gets one to four questions of one subject wrong, a few minutes apart. */
    private void session() {
        int student = rnd.nextInt(WrongbookDimensions.studentCount());
        String userId = WrongbookDimensions.userId(student);
        String[] weak = weakSubjects[student];
        List<String> subjects = WrongbookDimensions.subjects();
        String subject =
                rnd.nextDouble() < 0.75
                        ? weak[rnd.nextInt(weak.length)]
                        : subjects.get(rnd.nextInt(subjects.size()));
        int adds = 1 + rnd.nextInt(4);
        String source = ADD_SOURCES[rnd.nextInt(ADD_SOURCES.length)];
        for (int i = 0; i < adds && room(); i++) {
            if (i > 0) {
                now += (1 + rnd.nextInt(5)) * MINUTE + rnd.nextInt(60) * 1000L;
            }
            Entry e = pickEntry(userId, subject);
            Map<String, Object> payload = new LinkedHashMap<>();
            double fault = rnd.nextDouble();
            if (fault < 0.015) {
                // A client bug: the entry was never given an id. The add rule refuses it.
                payload.put("userId", userId);
                payload.put("questionId", e.questionId);
                payload.put("subject", subject);
                payload.put("addSource", source);
                emit(event(ADD, now, payload));
                continue;
            }
            e.addTime = now;
            e.open = true;
            payload.put("wrongbookId", e.wrongbookId);
            payload.put("userId", userId);
            payload.put("questionId", e.questionId);
            payload.put("subject", e.subject);
            payload.put("addSource", source);
            emit(event(ADD, now, payload));
        }
    }

    /**
     * The student's entry for a question of the subject: a quarter of the time one the student got
     * wrong before (at least an hour ago), else a question picked at random.
     */
    private Entry pickEntry(String userId, String subject) {
        if (rnd.nextDouble() < 0.25) {
            List<Entry> mine = new ArrayList<>();
            for (Entry e : entries.values()) {
                if (e.userId.equals(userId)
                        && e.subject.equals(subject)
                        && e.addTime > 0
                        && e.addTime <= now - 60 * MINUTE) {
                    mine.add(e);
                }
            }
            if (!mine.isEmpty()) {
                return mine.get(rnd.nextInt(mine.size()));
            }
        }
        int s = WrongbookDimensions.subjects().indexOf(subject);
        String questionId =
                rnd.nextDouble() < 0.03
                        // A question added after the dimension table was last loaded.
                        ? String.format("q-%03d", 900 + rnd.nextInt(100))
                        : WrongbookDimensions.questionId(s * 10 + rnd.nextInt(10));
        Entry e = entryByUserQuestion.get(userId + "|" + questionId);
        if (e == null) {
            e = new Entry(String.format("wb-%04d", ++wbSeq), userId, questionId, subject);
            entryByUserQuestion.put(userId + "|" + questionId, e);
            entries.put(e.wrongbookId, e);
        }
        return e;
    }

    /** A student corrects an entry added at least five minutes ago; false if there is none. */
    private boolean fix() {
        List<Entry> fixable = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.open && e.addTime <= now - 5 * MINUTE) {
                fixable.add(e);
            }
        }
        if (fixable.isEmpty()) {
            return false;
        }
        Entry e = fixable.get(rnd.nextInt(fixable.size()));
        e.open = false;
        emit(event(FIX, now, fixPayload(e, rnd.nextBoolean())));
        return true;
    }

    /** An add and its fix, the fix arriving first (different partitions, a slow producer). */
    private void fixBeforeAdd() {
        int student = rnd.nextInt(WrongbookDimensions.studentCount());
        String userId = WrongbookDimensions.userId(student);
        String subject = weakSubjects[student][0];
        Entry e = pickEntry(userId, subject);
        e.addTime = now;
        e.open = false;
        Map<String, Object> add = new LinkedHashMap<>();
        add.put("wrongbookId", e.wrongbookId);
        add.put("userId", userId);
        add.put("questionId", e.questionId);
        add.put("subject", e.subject);
        add.put("addSource", "photo");
        String addLine = event(ADD, now, add);
        now += (3 + rnd.nextInt(20)) * MINUTE + rnd.nextInt(60) * 1000L;
        emit(event(FIX, now, fixPayload(e, rnd.nextBoolean())));
        if (room()) {
            emit(addLine);
        }
    }

    /** A fix of an entry the stream never added (its add was lost upstream). */
    private void fixOfUnknownEntry() {
        String userId = WrongbookDimensions.userId(rnd.nextInt(WrongbookDimensions.studentCount()));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("wrongbookId", String.format("wb-9%03d", rnd.nextInt(1000)));
        payload.put("userId", userId);
        payload.put(
                "questionId",
                WrongbookDimensions.questionId(rnd.nextInt(WrongbookDimensions.questionCount())));
        payload.put("fixMethod", FIX_METHODS[rnd.nextInt(FIX_METHODS.length)]);
        emit(event(FIX, now, payload));
    }

    /** An event type of the domain that no example rule serves: replay prints nothing for it. */
    private void unservedEventType() {
        List<Entry> all = new ArrayList<>(entries.values());
        if (all.isEmpty()) {
            session();
            return;
        }
        Entry e = all.get(rnd.nextInt(all.size()));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("wrongbookId", e.wrongbookId);
        payload.put("userId", e.userId);
        payload.put("viewSeconds", 5 + rnd.nextInt(120));
        emit(event("wrongbook_review", now, payload));
    }

    /** A line the job must reject without stopping, one kind after another. */
    private void malformed() {
        String userId = WrongbookDimensions.userId(rnd.nextInt(WrongbookDimensions.studentCount()));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("wrongbookId", String.format("wb-%04d", 1 + rnd.nextInt(Math.max(1, wbSeq))));
        payload.put("userId", userId);
        payload.put("questionId", WrongbookDimensions.questionId(rnd.nextInt(50)));
        Map<String, Object> e = envelope(ADD, now, payload);
        switch (malformedSeq++ % 5) {
            case 0 -> {
                String json = Json.write(e);
                emitRaw(json.substring(0, json.length() * 3 / 5));
            }
            case 1 -> {
                e.remove("payload");
                emitRaw(Json.write(e));
            }
            case 2 -> {
                e.put("timestamp", Long.toString(now));
                emitRaw(Json.write(e));
            }
            case 3 -> {
                e.put("payload", payload.get("wrongbookId"));
                emitRaw(Json.write(e));
            }
            default -> {
                e.put("eventId", eventSeq);
                emitRaw(Json.write(e));
            }
        }
    }

    // ------------------------------------------------------------------ events

    private Map<String, Object> fixPayload(Entry e, boolean withAddTime) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("wrongbookId", e.wrongbookId);
        payload.put("userId", e.userId);
        payload.put("questionId", e.questionId);
        payload.put("fixMethod", FIX_METHODS[rnd.nextInt(FIX_METHODS.length)]);
        if (withAddTime) {
            payload.put("addTime", e.addTime);
        }
        return payload;
    }

    private Map<String, Object> envelope(String type, long timestamp, Map<String, Object> payload) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("eventId", String.format("e-%05d", ++eventSeq));
        e.put("domain", DOMAIN);
        e.put("type", type);
        // Some producers send ISO-8601 with the local offset; the envelope accepts both.
        e.put(
                "timestamp",
                rnd.nextDouble() < 0.05
                        ? Instant.ofEpochMilli(timestamp).atOffset(CHINA).toString()
                        : (Object) timestamp);
        e.put("source", "wrongbook-service");
        e.put("payload", payload);
        return e;
    }

    private String event(String type, long timestamp, Map<String, Object> payload) {
        return Json.write(envelope(type, timestamp, payload));
    }

    /** Writes a line now, or now and then holds one back a few lines (out of order). */
    private void emit(String line) {
        if (rnd.nextDouble() < 0.04) {
            delayed.add(new Delayed(line, 2 + rnd.nextInt(5)));
            return;
        }
        emitRaw(line);
    }

    private void emitRaw(String line) {
        out.add(line);
        for (Iterator<Delayed> it = delayed.iterator(); it.hasNext(); ) {
            Delayed d = it.next();
            if (--d.after <= 0) {
                it.remove();
                out.add(d.line);
            }
        }
    }

    // ------------------------------------------------------------------ command line

    /**
     * {@code --count N --seed S --out FILE}; exit status 2 with one line on stderr for bad usage.
     */
    public static void main(String[] args) {
        int count = 200;
        long seed = 42;
        Path outFile = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--count" -> count = Integer.parseInt(value(args, ++i, a));
                    case "--seed" -> seed = Long.parseLong(value(args, ++i, a));
                    case "--out" -> outFile = Path.of(value(args, ++i, a));
                    case "-h", "--help" -> {
                        System.out.println(
                                "usage: WrongbookEventGenerator [--count N] [--seed S] [--out FILE]");
                        return;
                    }
                    default ->
                            throw new IllegalArgumentException(
                                    "unknown option '"
                                            + a
                                            + "': use --count N, --seed S, --out FILE");
                }
            }
            List<String> lines = new WrongbookEventGenerator(seed, count).generate();
            if (outFile == null) {
                PrintStream stdout = new PrintStream(System.out, true, StandardCharsets.UTF_8);
                lines.forEach(stdout::println);
            } else {
                Files.write(outFile, lines, StandardCharsets.UTF_8);
                System.err.println("wrote " + lines.size() + " events to " + outFile);
            }
        } catch (NumberFormatException e) {
            fail("--count and --seed take whole numbers (" + e.getMessage() + ")");
        } catch (IllegalArgumentException e) {
            fail(e.getMessage());
        } catch (IOException e) {
            fail("cannot write " + outFile + ": " + e.getMessage());
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static void fail(String message) {
        System.err.println("error: " + message);
        System.exit(2);
    }
}
