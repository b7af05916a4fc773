package io.stepprogress.demo;

import io.stepprogress.client.ConflictException;
import io.stepprogress.client.ProgressClient;
import io.stepprogress.client.ProgressClientException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps {@code --projects} demo initializations running against progress-service, one thread each, until
 * {@code --runs} runs are done or it is stopped (SIGINT/SIGTERM). Prints one line per started and per
 * finished run to stdout; everything else goes to stderr.
 *
 * <pre>
 * java -jar demo-worker/target/demo-worker-0.1.0-SNAPSHOT.jar --progress-url http://127.0.0.1:8081 --projects 3
 * </pre>
 */
public final class DemoWorker {

    /** The whole stop (interrupt, join, cancel unfinished runs) stays within about this. */
    static final Duration STOP_BUDGET = Duration.ofMillis(1500);
    /** Waiting after a run that could not talk to progress-service, so a down service is not hammered. */
    static final Duration PAUSE_AFTER_ABORT = Duration.ofSeconds(2);

    private final DemoOptions options;
    private final ProgressClient client;
    private final ProgressClient stopClient;
    private final Sleeper sleeper;
    private final Clock clock;
    private final PrintStream out;
    private final PrintStream err;
    private final DemoRun demoRun;
    private final ProjectNames names;
    private final Random seeds;

    private final List<Thread> workers = new ArrayList<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicLong runsClaimed = new AtomicLong();
    private final Set<String> unfinished = ConcurrentHashMap.newKeySet();
    private final Map<RunResult.Outcome, AtomicLong> outcomes = new EnumMap<>(RunResult.Outcome.class);

    /**
     * @param stopClient used on the way out to cancel runs left unfinished: a client with a short timeout
     *                   and no retries, since the stop has a budget of {@link #STOP_BUDGET}
     */
    public DemoWorker(DemoOptions options, ProgressClient client, ProgressClient stopClient, Sleeper sleeper,
                      Clock clock, PrintStream out, PrintStream err) {
        this.options = options;
        this.client = client;
        this.stopClient = stopClient;
        this.sleeper = sleeper;
        this.clock = clock;
        this.out = out;
        this.err = err;
        this.demoRun = new DemoRun(client, sleeper, clock, options.failureRate(), options.cancelRate(), options.speed());
        this.seeds = options.seed() == null ? new Random() : new Random(options.seed());
        this.names = new ProjectNames(seeds);
        for (RunResult.Outcome outcome : RunResult.Outcome.values()) {
            outcomes.put(outcome, new AtomicLong());
        }
    }

    public static void main(String[] args) {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args, System.getenv("PROGRESS_TOKEN"));
        } catch (IllegalArgumentException e) {
            System.err.println("demo-worker: " + e.getMessage());
            System.err.println();
            System.err.println(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(DemoOptions.USAGE);
            return;
        }
        ProgressClient client = ProgressClient.builder(options.progressUrl())
                .bearerToken(options.token())
                .requestTimeout(Duration.ofSeconds(5))
                .connectTimeout(Duration.ofSeconds(2))
                .retries(5, Duration.ofMillis(100), Duration.ofSeconds(2))
                .maxRetryAfter(Duration.ofSeconds(10))
                .userAgent("step-progress-demo-worker")
                .build();
        ProgressClient stopClient = ProgressClient.builder(options.progressUrl())
                .bearerToken(options.token())
                .requestTimeout(Duration.ofMillis(800))
                .connectTimeout(Duration.ofMillis(500))
                .retries(1, Duration.ZERO, Duration.ZERO)
                .userAgent("step-progress-demo-worker")
                .build();
        DemoWorker worker = new DemoWorker(options, client, stopClient, Sleeper.SYSTEM, Clock.systemUTC(),
                System.out, System.err);
        Runtime.getRuntime().addShutdownHook(new Thread(worker::stop, "demo-worker-stop"));
        worker.start();
        worker.awaitWorkers();
    }

    /** Starts one thread per concurrent project. */
    public synchronized void start() {
        err.printf(Locale.ROOT, "demo-worker: %d concurrent project(s) against %s, failure rate %s, cancel rate %s, "
                        + "speed %s, %s%n", options.projects(), options.progressUrl(), options.failureRate(),
                options.cancelRate(), options.speed(), options.runs() == 0 ? "until stopped" : options.runs() + " run(s)");
        for (int i = 1; i <= options.projects(); i++) {
            Random random = new Random(seeds.nextLong());
            Thread thread = new Thread(() -> work(random), "demo-worker-" + i);
            workers.add(thread);
            thread.start();
        }
    }

    /** Returns when every worker thread has ended (after the last run, or after {@link #stop()}). */
    public void awaitWorkers() {
        for (Thread worker : threads()) {
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Stops within about {@link #STOP_BUDGET}: interrupts the workers, waits for them, then cancels the runs
     * they left unfinished (best effort) so dashboards do not show them as stalled. Idempotent.
     */
    public void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + STOP_BUDGET.toNanos();
        List<Thread> threads = threads();
        threads.forEach(Thread::interrupt);
        for (Thread thread : threads) {
            joinUntil(thread, deadline);
        }
        List<String> leftovers = List.copyOf(unfinished);
        List<Thread> cancels = new ArrayList<>();
        for (String projectId : leftovers) {
            Thread cancel = new Thread(() -> cancelQuietly(projectId, "demo worker stopped"),
                    "demo-worker-cancel-" + projectId);
            cancel.setDaemon(true);
            cancels.add(cancel);
            cancel.start();
        }
        for (Thread cancel : cancels) {
            joinUntil(cancel, deadline + Duration.ofMillis(300).toNanos());
        }
        err.printf(Locale.ROOT, "demo-worker: stopped after %d run(s): %d completed, %d failed, %d cancelled, "
                        + "%d aborted, %d interrupted; %d unfinished run(s) cancelled%n", finishedRuns(),
                count(RunResult.Outcome.COMPLETED), count(RunResult.Outcome.FAILED), count(RunResult.Outcome.CANCELLED),
                count(RunResult.Outcome.ABORTED), count(RunResult.Outcome.INTERRUPTED),
                leftovers.size() - unfinished.size());
    }

    /** How many runs ended with this outcome so far. */
    public long count(RunResult.Outcome outcome) {
        return outcomes.get(outcome).get();
    }

    // ---------------------------------------------------------------------------------------------------

    private void work(Random random) {
        DemoRun.Listener log = new DemoRun.Listener() {
            @Override
            public void started(String projectId, List<String> steps) {
                unfinished.add(projectId);
                line("started ", projectId, String.join(", ", steps));
            }

            @Override
            public void finished(RunResult result) {
                if (result.outcome().finished()) {
                    unfinished.remove(result.projectId());
                }
                outcomes.get(result.outcome()).incrementAndGet();
                line("finished", result.projectId(), describe(result));
            }
        };
        while (!stopping.get() && !Thread.currentThread().isInterrupted() && claimRun()) {
            RunResult result = demoRun.run(names.next(random), random, log);
            if (result.outcome() == RunResult.Outcome.INTERRUPTED) {
                return;
            }
            if (result.outcome() == RunResult.Outcome.ABORTED && unfinished.contains(result.projectId())) {
                cancelQuietly(result.projectId(), "demo worker gave up on this run");
            }
            try {
                sleeper.sleep(result.outcome() == RunResult.Outcome.ABORTED ? PAUSE_AFTER_ABORT
                        : Duration.ofNanos(Math.round((500 + random.nextInt(1501)) * 1_000_000L * options.speed())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Best effort, one short attempt: a run this worker will not finish should not look stalled. */
    private void cancelQuietly(String projectId, String reason) {
        try {
            stopClient.cancel(projectId, reason);
            unfinished.remove(projectId);
        } catch (ConflictException e) {
            unfinished.remove(projectId); // already completed or failed: nothing left to cancel
        } catch (ProgressClientException | IllegalArgumentException e) {
            err.println("demo-worker: could not cancel " + projectId + ": " + e.getMessage());
        }
    }

    private boolean claimRun() {
        return options.runs() == 0 || runsClaimed.incrementAndGet() <= options.runs();
    }

    private long finishedRuns() {
        return outcomes.values().stream().mapToLong(AtomicLong::get).sum();
    }

    private void line(String what, String projectId, String detail) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        out.printf(Locale.ROOT, "%s %s %-22s %s%n", now, what, projectId, detail);
    }

    static String describe(RunResult r) {
        String after = String.format(Locale.ROOT, "%.1fs", r.elapsed().toMillis() / 1000.0);
        return switch (r.outcome()) {
            case COMPLETED -> "completed in " + after + " (" + r.updates() + " updates)";
            case FAILED -> "failed at " + r.step() + " after " + after + ": " + r.reason();
            case CANCELLED -> "cancelled at " + r.step() + " after " + after + ": " + r.reason();
            case ABORTED -> "aborted" + (r.step() == null ? "" : " at " + r.step()) + " after " + after + ": " + r.reason();
            case INTERRUPTED -> "interrupted" + (r.step() == null ? "" : " at " + r.step()) + " after " + after
                    + ": worker stopped";
        };
    }

    private synchronized List<Thread> threads() {
        return List.copyOf(workers);
    }

    private static void joinUntil(Thread thread, long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return;
        }
        try {
            thread.join(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
