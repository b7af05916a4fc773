package io.stepprogress.demo;

import io.stepprogress.client.ProgressClient;
import io.stepprogress.client.ProgressClientException;
import io.stepprogress.client.ProgressInterruptedException;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepStatus;
import io.stepprogress.event.StepView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * One demo initialization, start to end, through the public API: start the default plan, then for each step
 * report progress every 200–800 ms (times {@code speed}) in steps of 5–25 until 100 and complete it. A
 * {@code failureRate} share of runs fails a random step midway with a plausible reason; a {@code cancelRate}
 * share of the others is cancelled midway.
 *
 * <p>Stateless between runs and thread-safe as long as each thread passes its own {@link Random}.
 */
public final class DemoRun {

    static final int MIN_DELAY_MS = 200;
    static final int MAX_DELAY_MS = 800;
    static final int MIN_INCREMENT = 5;
    static final int MAX_INCREMENT = 25;

    /** Told when a run has started on the server and when it has ended. */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        default void started(String projectId, List<String> steps) {
        }

        default void finished(RunResult result) {
        }
    }

    private final ProgressClient client;
    private final Sleeper sleeper;
    private final Clock clock;
    private final double failureRate;
    private final double cancelRate;
    private final double speed;

    public DemoRun(ProgressClient client, Sleeper sleeper, Clock clock, double failureRate, double cancelRate,
                   double speed) {
        this.client = Objects.requireNonNull(client, "client");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.failureRate = failureRate;
        this.cancelRate = cancelRate;
        this.speed = speed;
    }

    /** Runs one initialization of {@code projectId}; never throws, the result says how it ended. */
    public RunResult run(String projectId, Random random, Listener listener) {
        Instant began = clock.instant();
        Progress at = new Progress();
        try {
            InitializationView view = client.start(projectId);
            began = clock.instant(); // the run's time on the server, without the start call itself
            if (!fresh(view)) {
                return end(listener, projectId, RunResult.Outcome.ABORTED, null,
                        "project id already in use (status " + view.status().wireName() + ")", began, at);
            }
            List<String> steps = view.steps().stream().map(StepView::name).toList();
            listener.started(projectId, steps);

            boolean failing = random.nextDouble() < failureRate;
            boolean cancelling = !failing && random.nextDouble() < cancelRate;
            int stopStep = random.nextInt(steps.size());
            int stopAt = MIN_INCREMENT + random.nextInt(91); // 5..95: somewhere inside the step

            for (int index = 0; index < steps.size(); index++) {
                String step = steps.get(index);
                at.step = step;
                int progress = 0;
                while (progress < 100) {
                    sleeper.sleep(delay(random));
                    int next = Math.min(100, progress + MIN_INCREMENT + random.nextInt(MAX_INCREMENT - MIN_INCREMENT + 1));
                    if (index == stopStep && next >= stopAt && (failing || cancelling)) {
                        at.updates++;
                        if (failing) {
                            String reason = StepTexts.failure(step, random);
                            client.fail(projectId, step, reason);
                            return end(listener, projectId, RunResult.Outcome.FAILED, step, reason, began, at);
                        }
                        String reason = StepTexts.cancelReason(random);
                        client.cancel(projectId, reason);
                        return end(listener, projectId, RunResult.Outcome.CANCELLED, step, reason, began, at);
                    }
                    at.updates++;
                    client.reportProgress(projectId, step, next, StepTexts.progress(step, next));
                    progress = next;
                }
                at.updates++;
                client.complete(projectId, step, StepTexts.done(step, projectId, random));
            }
            return end(listener, projectId, RunResult.Outcome.COMPLETED, null, null, began, at);
        } catch (InterruptedException | ProgressInterruptedException e) {
            Thread.currentThread().interrupt();
            return end(listener, projectId, RunResult.Outcome.INTERRUPTED, at.step, "worker stopped", began, at);
        } catch (ProgressClientException e) {
            return end(listener, projectId, RunResult.Outcome.ABORTED, at.step, e.getMessage(), began, at);
        } catch (RuntimeException e) {
            return end(listener, projectId, RunResult.Outcome.ABORTED, at.step, e.toString(), began, at);
        }
    }

    /** 200–800 ms, times the speed factor. */
    Duration delay(Random random) {
        long millis = MIN_DELAY_MS + random.nextInt(MAX_DELAY_MS - MIN_DELAY_MS + 1);
        return Duration.ofNanos(Math.round(millis * 1_000_000L * speed));
    }

    /** A run this worker may drive: nothing has happened in it yet (not someone else's run in progress). */
    private static boolean fresh(InitializationView view) {
        return view.status() == InitializationStatus.PENDING && !view.steps().isEmpty()
                && view.steps().stream().allMatch(s -> s.status() == StepStatus.PENDING && s.progress() == 0);
    }

    private RunResult end(Listener listener, String projectId, RunResult.Outcome outcome, String step, String reason,
                          Instant began, Progress at) {
        RunResult result = new RunResult(projectId, outcome, step, reason, Duration.between(began, clock.instant()),
                at.updates);
        listener.finished(result);
        return result;
    }

    private static final class Progress {
        String step;
        int updates;
    }
}
