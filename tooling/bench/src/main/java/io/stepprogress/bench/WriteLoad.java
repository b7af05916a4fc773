package io.stepprogress.bench;

import io.stepprogress.client.ProgressClient;
import io.stepprogress.client.ProgressClientException;
import io.stepprogress.event.InitializationView;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * W worker threads sending step updates through the worker client. Open loop ({@link #runOpen}): each request
 * is due at its time in a {@link RateSchedule} and its latency counts from then. Closed loop
 * ({@link #runClosed}): as fast as the answers come, for the floor comparison's throughput.
 * Each worker owns the projects whose index is its number modulo W, so a project's updates stay in order.
 */
public final class WriteLoad {

    /** What one run measured. Latency recorders are shared with the caller (a ramp gives each step new ones). */
    public static final class Stats {
        final Latency write;
        final Latency service;
        /** due → answer, a 200 or a progress update shed with 503 (the overload's "writes keep answering"). */
        final Latency answer;
        final LongAdder ok = new LongAdder();
        /** Progress updates refused with 503 (load shedding): not retried, the project's next update supersedes them. */
        final LongAdder shed = new LongAdder();
        final LongAdder okMeasured = new LongAdder();
        /** Answers (200) that arrived at or after the measured window's start, whenever they were due. */
        final LongAdder answeredInWindow = new LongAdder();
        final LongAdder sent = new LongAdder();
        final LongAdder sequenceMismatches = new LongAdder();
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        final AtomicLong lastCompletionNanos = new AtomicLong();
        final AtomicBoolean abortedBehindSchedule = new AtomicBoolean();
        volatile long measureFromNanos;
        volatile long measureToNanos;
        volatile DueWindowLatency band;

        Stats(Latency write, Latency service) {
            this(write, service, new Latency("answer", ""));
        }

        Stats(Latency write, Latency service, Latency answer) {
            this.write = write;
            this.service = service;
            this.answer = answer;
        }

        public long shed() {
            return shed.sum();
        }

        public long errorCount() {
            return errors.values().stream().mapToLong(LongAdder::sum).sum();
        }

        public Map<String, Long> errors() {
            Map<String, Long> copy = new TreeMap<>();
            errors.forEach((k, v) -> copy.put(k, v.sum()));
            return copy;
        }

        /**
         * Answers per second of the window actually run: those that arrived from the measured window's start
         * until the load ended, over that time. The load ends at the schedule's end or its last answer,
         * whichever is later; after an abort (workers too far behind) at the last answer, not at the end of a
         * schedule that was never run.
         */
        public double achievedPerSecond() {
            return achievedPerSecond(answeredInWindow.sum(), measureFromNanos, measureToNanos,
                    lastCompletionNanos.get(), abortedBehindSchedule());
        }

        static double achievedPerSecond(long answered, long measureFromNanos, long scheduleEndNanos,
                                        long lastAnswerNanos, boolean aborted) {
            long end = aborted ? lastAnswerNanos : Math.max(scheduleEndNanos, lastAnswerNanos);
            double seconds = (end - measureFromNanos) / 1e9;
            return seconds <= 0 ? 0 : answered / seconds;
        }

        public long okMeasured() {
            return okMeasured.sum();
        }

        public long sequenceMismatches() {
            return sequenceMismatches.sum();
        }

        public boolean abortedBehindSchedule() {
            return abortedBehindSchedule.get();
        }
    }

    /** The n-th update of a project's run (0-based) over its steps. */
    @FunctionalInterface
    public interface UpdatePlan {
        BenchProjects.Update update(long n, java.util.List<String> steps);
    }

    private final ProgressClient client;
    private final BenchProjects projects;
    private final int workers;
    private final UpdatePlan plan;

    public WriteLoad(ProgressClient client, BenchProjects projects, int workers) {
        this(client, projects, workers, BenchProjects::update);
    }

    public WriteLoad(ProgressClient client, BenchProjects projects, int workers, UpdatePlan plan) {
        if (workers > projects.size()) {
            throw new IllegalArgumentException("need at least as many projects (" + projects.size() + ") as workers ("
                    + workers + ")");
        }
        this.client = client;
        this.projects = projects;
        this.workers = workers;
        this.plan = plan;
    }

    /**
     * Sends the schedule's requests at their due times; those due at or after {@code measureFromNanos} are
     * measured. Stops early when a worker falls more than {@code maxLagNanos} behind (an overloaded target):
     * bounded in count (the schedule) and in time (its end plus that lag).
     */
    public void runOpen(RateSchedule schedule, long measureFromNanos, long maxLagNanos, Stats stats) {
        stats.measureFromNanos = measureFromNanos;
        stats.measureToNanos = schedule.endNanos();
        Thread[] threads = new Thread[workers];
        for (int w = 0; w < workers; w++) {
            BenchProjects.Project[] owned = projects.ownedBy(w, workers);
            long[] indices = schedule.indicesOf(w, workers);
            threads[w] = new Thread(() -> {
                int next = 0;
                for (long i : indices) {
                    long due = schedule.dueNanos(i);
                    long now = sleepUntil(due);
                    if (now - due > maxLagNanos || stats.abortedBehindSchedule.get()) {
                        stats.abortedBehindSchedule.set(true);
                        return;
                    }
                    send(owned[next++ % owned.length], due, due >= measureFromNanos, stats);
                }
            }, "bench-writer-" + w);
            threads[w].start();
        }
        join(threads);
    }

    /** Every worker sends back to back until {@code endNanos}; requests started after {@code measureFromNanos} count. */
    public void runClosed(long measureFromNanos, long endNanos, Stats stats) {
        stats.measureFromNanos = measureFromNanos;
        stats.measureToNanos = endNanos;
        Thread[] threads = new Thread[workers];
        for (int w = 0; w < workers; w++) {
            BenchProjects.Project[] owned = projects.ownedBy(w, workers);
            threads[w] = new Thread(() -> {
                int next = 0;
                long now;
                while ((now = System.nanoTime()) < endNanos) {
                    send(owned[next++ % owned.length], now, now >= measureFromNanos, stats);
                }
            }, "bench-writer-" + w);
            threads[w].start();
        }
        join(threads);
    }

    private void send(BenchProjects.Project project, long due, boolean measured, Stats stats) {
        long expected = project.lastSequence + 1;
        BenchProjects.Update update = plan.update(project.updates++, project.steps);
        long sent = System.nanoTime();
        projects.expect(project.index, expected, due, sent);
        stats.sent.increment();
        try {
            InitializationView view = switch (update.action()) {
                case PROGRESS -> client.reportProgress(project.id, update.step(), update.progress(), update.message());
                case COMPLETE -> client.complete(project.id, update.step(), update.message());
            };
            long done = System.nanoTime();
            if (view.sequence() != expected) {
                stats.sequenceMismatches.increment();
                projects.expect(project.index, view.sequence(), due, sent);
            }
            projects.answered(project.index, view.sequence(), done);
            project.answered(view);
            project.lastSequence = view.sequence();
            project.lastWritten.accumulateAndGet(view.sequence(), Math::max);
            stats.ok.increment();
            if (done >= stats.measureFromNanos) {
                stats.answeredInWindow.increment();
            }
            stats.lastCompletionNanos.accumulateAndGet(done, Math::max);
            DueWindowLatency band = stats.band;
            if (band != null && band.contains(due)) {
                band.latency().record(done - due, done);
            }
            if (measured) {
                stats.okMeasured.increment();
                stats.write.record(done - due, due);
                stats.service.record(done - sent, due);
                stats.answer.record(done - due, due);
            }
        } catch (ProgressClientException e) {
            if (e.status() == 503 && update.action() == BenchProjects.Action.PROGRESS) {
                // Shed: nothing was written, so the next update of this project expects the same sequence again.
                // Not retried: that next update carries newer progress, as a worker that reports periodically would.
                stats.shed.increment();
                if (measured) {
                    stats.answer.record(System.nanoTime() - due, due);
                }
                return;
            }
            stats.errors.computeIfAbsent(errorName(e), k -> new LongAdder()).increment();
        } catch (RuntimeException e) {
            stats.errors.computeIfAbsent(e.getClass().getSimpleName(), k -> new LongAdder()).increment();
        }
    }

    static String errorName(ProgressClientException e) {
        int status = e.status();
        return e.getClass().getSimpleName() + (status <= 0 ? "" : " " + status);
    }

    /** Parks until {@code deadline}; answers the time it woke. */
    static long sleepUntil(long deadline) {
        long now;
        while ((now = System.nanoTime()) < deadline) {
            LockSupport.parkNanos(deadline - now);
        }
        return now;
    }

    private static void join(Thread[] threads) {
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
