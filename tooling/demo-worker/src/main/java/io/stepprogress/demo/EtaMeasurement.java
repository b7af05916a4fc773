package io.stepprogress.demo;

import io.stepprogress.client.ProgressClient;
import io.stepprogress.event.InitializationView;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Measures the accuracy of the views' {@code eta}: drives demo runs (no failures, no cancellations unless asked)
 * against a running progress-service and judges the estimate each answer carried against when the run really
 * finished, at 25 %, 50 % and 75 % overall progress and over every update. The estimates learn from the runs as
 * they complete, so the first run has none; start from an empty database to see the learning from scratch.
 *
 * <pre>
 * java -cp tooling/demo-worker/target/demo-worker-0.1.0-SNAPSHOT.jar io.stepprogress.demo.EtaMeasurement \
 *      --progress-url http://127.0.0.1:8081 --token "$PROGRESS_TOKEN" --runs 50 --projects 1 --speed 0.5
 * </pre>
 * Takes the demo worker's options ({@link DemoOptions#USAGE}); its defaults here: 50 runs, one at a time, failure
 * and cancel rates 0.
 */
public final class EtaMeasurement {

    static final double[] MARKS = {25, 50, 75};

    private EtaMeasurement() {
    }

    public static void main(String[] args) throws InterruptedException {
        String[] withDefaults = Stream.concat(Stream.of("--runs", "50", "--projects", "1", "--failure-rate", "0",
                "--cancel-rate", "0"), Stream.of(args)).toArray(String[]::new);
        DemoOptions options;
        try {
            options = DemoOptions.parse(withDefaults, System.getenv("PROGRESS_TOKEN"));
        } catch (IllegalArgumentException e) {
            System.err.println("eta-measurement: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options == null || options.runs() == 0) {
            System.out.println("usage: EtaMeasurement [demo worker options; --runs must be > 0]\n\n" + DemoOptions.USAGE);
            return;
        }
        RecordingClient client = new RecordingClient(ProgressClient.builder(options.progressUrl())
                .bearerToken(options.token()).requestTimeout(Duration.ofSeconds(5)).userAgent("step-progress-eta-measurement")
                .build());
        DemoRun demo = new DemoRun(client, Sleeper.SYSTEM, Clock.systemUTC(), options.failureRate(),
                options.cancelRate(), options.speed());
        Random seeds = options.seed() == null ? new Random() : new Random(options.seed());
        String prefix = "eta-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        AtomicLong claimed = new AtomicLong();
        List<List<InitializationView>> runs = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < options.projects(); t++) {
            Random random = new Random(seeds.nextLong());
            Thread thread = new Thread(() -> {
                long number;
                while ((number = claimed.incrementAndGet()) <= options.runs()) {
                    String projectId = prefix + number;
                    RunResult result = demo.run(projectId, random, DemoRun.Listener.NONE);
                    List<InitializationView> views = client.views(projectId);
                    synchronized (runs) {
                        runs.add(views);
                    }
                    System.out.println(describe(number, result, views));
                    if (result.outcome() == RunResult.Outcome.ABORTED) {
                        // A refused token or a service away makes every later run fail the same way: stop.
                        claimed.set(options.runs());
                        System.err.println("eta-measurement: stopping, a run could not talk to progress-service");
                    }
                }
            }, "eta-measurement-" + t);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        System.out.printf(Locale.ROOT, "%n%d run(s), %d at a time, speed %s, against %s%n", runs.size(),
                options.projects(), options.speed(), options.progressUrl());
        for (double mark : MARKS) {
            System.out.println(EtaAccuracy.at(runs, mark).line());
        }
        System.out.println(EtaAccuracy.everyUpdate(runs).line());
    }

    private static String describe(long number, RunResult result, List<InitializationView> views) {
        InitializationView first = views.isEmpty() ? null : views.get(0);
        String estimate = first == null || first.eta() == null ? "no estimate at start"
                : String.format(Locale.ROOT, "estimate at start p50 %.1f s, p90 %.1f s from %d run(s)",
                first.eta().p50(), first.eta().p90(), first.eta().basis());
        return String.format(Locale.ROOT, "run %3d %-10s %s", number, DemoWorker.describe(result), estimate);
    }
}
