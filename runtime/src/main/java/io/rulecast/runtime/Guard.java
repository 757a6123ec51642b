package io.rulecast.runtime;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The bounds of the invocation running on this thread: a deadline, an allocation budget and a
 * cancellation flag. One guard per thread, armed around each invocation.
 *
 * <p>A single watchdog thread looks at every armed guard about once a millisecond and cancels those
 * past their deadline or over their allocation budget (per-thread allocated bytes from the JVM).
 * Cancelling sets a flag that sandboxed Groovy checks at every loop iteration, closure and method
 * entry ({@link #tick()}), and runs the engine's cancel hook (GraalJS is interrupted from outside,
 * since a single builtin such as a regex can run for a long time).
 */
public final class Guard {
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
    private volatile boolean armed;
    private volatile long deadlineNanos;
    private volatile FailureReason cancelReason;
    private volatile String cancelMessage;
    private volatile Runnable cancelHook;
    private long startNanos;
    private long allocationStart;
    private long memoryLimit;
    private long timeoutMillis;

    private Guard(Thread thread) {
        this.thread = thread;
    }

    /** The guard of the calling thread. */
    public static Guard current() {
        return CURRENT.get();
    }

    /** Arms the calling thread's guard for one invocation. */
    static Guard arm(Duration timeout, long memoryLimitBytes) {
        Guard g = CURRENT.get();
        g.cancelReason = null;
        g.cancelMessage = null;
        g.cancelHook = null;
        g.timeoutMillis = timeout.toMillis();
        g.memoryLimit = memoryLimitBytes;
        g.allocationStart = THREADS.getCurrentThreadAllocatedBytes();
        g.startNanos = System.nanoTime();
        g.deadlineNanos = g.startNanos + timeout.toNanos();
        g.armed = true;
        return g;
    }

    /**
     * Ends the invocation. Returns the failure if a bound was broken — also when the watchdog did
     * not get to look in time (a short burst of allocation, a late wake-up) — else null.
     */
    Failure disarm() {
        armed = false;
        cancelHook = null;
        if (cancelReason == null) {
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - allocationStart;
            if (allocated > memoryLimit) {
                cancel(FailureReason.MEMORY_LIMIT, memoryMessage(allocated));
            } else if (System.nanoTime() - deadlineNanos > 0) {
                cancel(FailureReason.TIMEOUT, timeoutMessage());
            }
        }
        FailureReason r = cancelReason;
        return r == null ? null : new Failure(r, cancelMessage);
    }

    long elapsedNanos() {
        return System.nanoTime() - startNanos;
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
        return "ran longer than " + timeoutMillis + " ms (script.timeout)";
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
