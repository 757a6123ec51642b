package io.rulecast.runtime;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounds of the invocation running on this thread: a deadline, an allocation budget and a
 * cancellation flag. One guard per thread, armed around each invocation.
 *
 * <p>A single watchdog thread looks at every armed guard about once a millisecond and cancels those
 * past their deadline or over their allocation budget (per-thread allocated bytes from the JVM).
 * Cancelling sets a flag that sandboxed Groovy checks at every loop iteration, closure and method
 * entry ({@link #tick()}), and runs the engine's cancel hook (GraalJS is interrupted from outside,
 * since a single builtin such as a regex can run for a long time).
 *
 * <p>A thread can stay in an invocation after it was cancelled, when it is inside code that looks
 * at neither the flag nor interrupts (an uninterruptible JDK call). Once it has been there for
 * {@value #STUCK_FACTOR} × its timeout, the watchdog counts it as <em>stuck</em>: it logs a warning
 * with the rule and the thread's stack (once per invocation), {@link #stuckNow()} counts it until
 * the invocation ends, and the invocation's {@link Outcome#stuck()} is set.
 */
public final class Guard {
    private static final Logger LOG = LoggerFactory.getLogger(Guard.class);

    /** A thread still in an invocation after this many times its timeout is stuck. */
    public static final int STUCK_FACTOR = 10;

    /**
     * An invocation armed within this long of the previous one's end on the same thread counts its
     * allocation from the counter read at that end instead of reading it again (a JNI call, about a
     * twentieth of a small Groovy invocation's CPU). The budget then also pays for what the host
     * allocated in between — in that short a time at most a few hundred KB, where the budget is MBs
     * ({@code script.memory.limit}, 64 MB by default) — and never for less than the rule did. Not
     * done under a budget below {@link #ALLOCATION_READ_REUSE_MIN_LIMIT}, where that could matter.
     */
    static final long ALLOCATION_READ_REUSE_NANOS = 20_000;

    static final long ALLOCATION_READ_REUSE_MIN_LIMIT = 8L << 20;

    private static final AtomicInteger STUCK_NOW = new AtomicInteger();
    private static final AtomicLong STUCK_TOTAL = new AtomicLong();

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final CopyOnWriteArrayList<Guard> ALL = new CopyOnWriteArrayList<>();
    private static final ThreadLocal<Guard> CURRENT =
            ThreadLocal.withInitial(
                    () -> {
                        Guard g = new Guard(Thread.currentThread());
                        ALL.add(g);
                        Watchdog.ensureStarted();
                        return g;
                    });

    private final Thread thread;

    /**
     * Written last when arming: the watchdog reads it first, so it sees the clocks and the label
     * this thread set before (they need not be volatile, which saves a memory fence per field and
     * invocation). {@link #resume} moves the clocks before it writes {@link #paused}, which the
     * watchdog also reads before them.
     */
    private volatile boolean armed;

    private long deadlineNanos;
    private volatile FailureReason cancelReason;
    private volatile String cancelMessage;
    private volatile Runnable cancelHook;
    private long startNanos;
    private long stuckAfterNanos;
    private String label;
    private volatile boolean stuck;

    /** The host is waiting on a dependency for the script ({@link #pause()}): no clock runs. */
    private volatile boolean paused;

    /** When the last invocation ended, by the clock {@link #disarm} read. */
    private long endNanos;

    /**
     * This thread's allocation counter as {@link #disarm} read it when the last invocation ended,
     * or -1 when it did not read it (a cancelled invocation).
     */
    private long endAllocated = -1;

    private long allocationStart;
    private long memoryLimit;
    private long timeoutNanos;

    private Guard(Thread thread) {
        this.thread = thread;
    }

    /** The guard of the calling thread. */
    public static Guard current() {
        return CURRENT.get();
    }

    /** Arms the calling thread's guard for one invocation. */
    static Guard arm(Duration timeout, long memoryLimitBytes) {
        return arm(timeout, memoryLimitBytes, "a rule");
    }

    /**
     * Arms the calling thread's guard for one invocation of the rule named {@code label} (named in
     * the warning if the thread gets stuck).
     */
    static Guard arm(Duration timeout, long memoryLimitBytes, String label) {
        Guard g = CURRENT.get();
        // Volatile fields are written only when they hold something else: after an invocation
        // that ended normally they are already clear, and each volatile write costs a fence.
        if (g.stuck) {
            g.stuck = false;
        }
        if (g.cancelReason != null) {
            g.cancelReason = null;
        }
        if (g.cancelMessage != null) {
            g.cancelMessage = null;
        }
        if (g.cancelHook != null) {
            g.cancelHook = null;
        }
        if (g.paused) {
            g.paused = false;
        }
        long timeoutNanos = timeout.toNanos();
        g.label = label;
        g.stuckAfterNanos = STUCK_FACTOR * timeoutNanos;
        g.timeoutNanos = timeoutNanos;
        g.memoryLimit = memoryLimitBytes;
        long now = System.nanoTime();
        long previous = g.endAllocated;
        g.allocationStart =
                previous >= 0
                                && now - g.endNanos < ALLOCATION_READ_REUSE_NANOS
                                && memoryLimitBytes >= ALLOCATION_READ_REUSE_MIN_LIMIT
                        ? previous
                        : THREADS.getCurrentThreadAllocatedBytes();
        g.startNanos = now;
        g.deadlineNanos = now + timeoutNanos;
        g.armed = true;
        return g;
    }

    /**
     * Ends the invocation. Returns the failure if a bound was broken — also when the watchdog did
     * not get to look in time (a short burst of allocation, a late wake-up) — else null.
     */
    Failure disarm() {
        armed = false;
        long now = System.nanoTime();
        endNanos = now;
        if (cancelHook != null) {
            cancelHook = null;
        }
        // The watchdog marks an invocation stuck (under this lock, while it is armed) only once it
        // has run stuckAfterNanos by a clock read before it saw the invocation armed, so before
        // ours: an invocation that was not stuck and ends sooner cannot have become stuck, and
        // the lock (an uncontended monitor per invocation otherwise) is only needed past that.
        if (stuck || now - startNanos - stuckAfterNanos > 0) {
            synchronized (this) {
                if (stuck) {
                    STUCK_NOW.decrementAndGet();
                    LOG.warn(
                            "{} is no longer stuck: the invocation ended after {} ms",
                            label,
                            elapsedNanos() / 1_000_000);
                }
            }
        }
        endAllocated = -1;
        if (cancelReason == null) {
            long counter = THREADS.getCurrentThreadAllocatedBytes();
            endAllocated = counter;
            long allocated = counter - allocationStart;
            if (allocated > memoryLimit) {
                cancel(FailureReason.MEMORY_LIMIT, memoryMessage(allocated));
            } else if (now - deadlineNanos > 0) {
                cancel(FailureReason.TIMEOUT, timeoutMessage());
            }
        }
        FailureReason r = cancelReason;
        return r == null ? null : new Failure(r, cancelMessage);
    }

    /**
     * Stops the invocation's clock while the host waits on a dependency for the script (a dimension
     * lookup that goes to the database): that wait is not the script's time, so it neither counts
     * against {@code script.timeout} nor makes the thread stuck. Returns the token to hand to
     * {@link #resume(long)}; 0 when no invocation is armed (nothing to pause). The wait itself is
     * bounded by the dependency's own timeouts.
     */
    public long pause() {
        if (!armed || paused) {
            return 0L;
        }
        paused = true;
        return System.nanoTime();
    }

    /** Starts the clock again, with the deadline moved by the time spent paused. */
    public void resume(long token) {
        if (token == 0L) {
            return;
        }
        long waited = System.nanoTime() - token;
        // Move the clocks before unpausing, so the watchdog never sees the old deadline unpaused.
        deadlineNanos += waited;
        stuckAfterNanos += waited;
        paused = false;
    }

    /** Time in the invocation: so far while it runs, in all once it has ended. */
    long elapsedNanos() {
        return (armed ? System.nanoTime() : endNanos) - startNanos;
    }

    /**
     * Whether the last (or running) invocation on this guard's thread has been counted as stuck: it
     * stayed {@value #STUCK_FACTOR} × its timeout or longer.
     */
    public boolean stuck() {
        return stuck;
    }

    /** Whether this guard's thread is in an invocation now and stuck in it. */
    public boolean stuckNowHere() {
        return armed && stuck;
    }

    /** Threads of this JVM stuck in an invocation now. */
    public static int stuckNow() {
        return STUCK_NOW.get();
    }

    /** Invocations counted as stuck since this JVM started. */
    public static long stuckTotal() {
        return STUCK_TOTAL.get();
    }

    /** Marks the running invocation stuck, once; on the watchdog thread. */
    private void markStuck(long now) {
        synchronized (this) {
            if (!armed || stuck) {
                return;
            }
            stuck = true;
            STUCK_NOW.incrementAndGet();
            STUCK_TOTAL.incrementAndGet();
        }
        StringBuilder trace = new StringBuilder();
        for (StackTraceElement e : thread.getStackTrace()) {
            trace.append("\n\tat ").append(e);
        }
        LOG.warn(
                "{} is stuck: thread {} has been in it for {} ms, more than {} x its timeout of {}"
                        + " ms, inside code that ignores cancellation; the task cannot process"
                        + " other events until the call ends (see docs/operations.md, A stuck"
                        + " rule). Its stack:{}",
                label,
                thread.getName(),
                (now - startNanos) / 1_000_000,
                STUCK_FACTOR,
                timeoutNanos / 1_000_000,
                trace);
    }

    /** True once the running invocation has been cancelled. */
    public boolean cancelled() {
        return cancelReason != null;
    }

    /** The failure of a cancelled invocation, or null. */
    public Failure failure() {
        FailureReason r = cancelReason;
        return r == null ? null : new Failure(r, cancelMessage);
    }

    /** Throws the cancellation as a {@link ScriptFailure} if the invocation was cancelled. */
    public void check() {
        FailureReason r = cancelReason;
        if (r != null) {
            throw new ScriptFailure(r, cancelMessage);
        }
    }

    /** Called by sandboxed code at loop heads, closure and method entries. */
    public static void tick() {
        CURRENT.get().check();
    }

    /**
     * Registers what to do, on the watchdog thread, if this invocation is cancelled. The hook runs
     * at most once; it is cleared when the invocation ends.
     */
    public void onCancel(Runnable hook) {
        this.cancelHook = hook;
        if (cancelReason != null) {
            runHook();
        }
    }

    private synchronized void cancel(FailureReason reason, String message) {
        if (cancelReason != null) {
            return;
        }
        cancelMessage = message;
        cancelReason = reason;
    }

    private void runHook() {
        Runnable h = cancelHook;
        cancelHook = null;
        if (h != null) {
            try {
                h.run();
            } catch (RuntimeException ignored) {
                // the engine's hook must not kill the watchdog
            }
        }
    }

    private String timeoutMessage() {
        return "ran longer than " + timeoutNanos / 1_000_000 + " ms (script.timeout)";
    }

    private String memoryMessage(long allocated) {
        return "allocated "
                + (allocated >> 20)
                + " MiB, more than the limit of "
                + (memoryLimit >> 20)
                + " MiB (script.memory.limit)";
    }

    /** Looks at every armed guard once; returns whether any was armed. */
    private static boolean inspectAll() {
        boolean any = false;
        long now = System.nanoTime();
        for (Guard g : ALL) {
            if (!g.thread.isAlive()) {
                ALL.remove(g);
                continue;
            }
            if (!g.armed) {
                continue;
            }
            any = true;
            if (g.paused) {
                continue;
            }
            if (!g.stuck && now - g.startNanos - g.stuckAfterNanos > 0) {
                g.markStuck(now);
            }
            if (g.cancelReason != null) {
                continue;
            }
            if (now - g.deadlineNanos > 0) {
                g.cancel(FailureReason.TIMEOUT, g.timeoutMessage());
                g.runHook();
                continue;
            }
            long allocated = THREADS.getThreadAllocatedBytes(g.thread.getId()) - g.allocationStart;
            if (g.armed && allocated > g.memoryLimit) {
                g.cancel(FailureReason.MEMORY_LIMIT, g.memoryMessage(allocated));
                g.runHook();
            }
        }
        return any;
    }

    private static final class Watchdog extends Thread {
        private static volatile Watchdog instance;

        private Watchdog() {
            super("rulecast-script-watchdog");
            setDaemon(true);
            setPriority(Thread.MAX_PRIORITY);
        }

        static void ensureStarted() {
            if (instance == null) {
                synchronized (Watchdog.class) {
                    if (instance == null) {
                        instance = new Watchdog();
                        instance.start();
                    }
                }
            }
        }

        @Override
        public void run() {
            long idle = 0;
            while (true) {
                boolean any = inspectAll();
                // Poll every millisecond while scripts run; back off a little when idle.
                idle = any ? 0 : Math.min(idle + 1, 5);
                LockSupport.parkNanos(
                        TimeUnit.MICROSECONDS.toNanos(any ? 500 : 1000L * Math.max(1, idle)));
            }
        }
    }
}
