package io.stepprogress.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepprogress.client.PlannedStep;
import io.stepprogress.client.ProgressClient;
import io.stepprogress.client.ProgressUnavailableException;
import io.stepprogress.demo.FakeProgressService.Call;
import io.stepprogress.event.InitializationStatus;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DemoRunTest {

    private final FakeProgressService service = new FakeProgressService();
    private final FakeTime time = new FakeTime();

    private DemoRun demoRun(double failureRate, double cancelRate, double speed) {
        return new DemoRun(service, time, time, failureRate, cancelRate, speed);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 4711})
    void aRunReportsRisingProgressPerStepAndCompletesEveryStepInPlanOrder(long seed) {
        List<String> started = new ArrayList<>();
        DemoRun.Listener listener = new DemoRun.Listener() {
            @Override
            public void started(String projectId, List<String> steps) {
                started.addAll(steps);
            }
        };

        RunResult result = demoRun(0, 0, 1.0).run("demo-otter-1", new Random(seed), listener);

        assertThat(result.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(service.status("demo-otter-1")).isEqualTo(InitializationStatus.COMPLETED);
        List<String> plan = FakeProgressService.DEFAULT_PLAN.stream().map(PlannedStep::name).toList();
        assertThat(started).isEqualTo(plan);

        List<Call> calls = service.calls("demo-otter-1");
        assertThat(calls.get(0).op()).isEqualTo("start");
        // Each step: progress calls only, strictly rising by 5..25, the last one 100, then one complete.
        List<String> stepOrder = new ArrayList<>();
        for (Call call : calls.subList(1, calls.size())) {
            if (stepOrder.isEmpty() || !stepOrder.get(stepOrder.size() - 1).equals(call.step())) {
                stepOrder.add(call.step());
            }
        }
        assertThat(stepOrder).isEqualTo(plan);
        for (String step : plan) {
            List<Call> ofStep = calls.stream().filter(c -> step.equals(c.step())).toList();
            List<Integer> progress = ofStep.stream().filter(c -> c.op().equals("progress")).map(Call::progress).toList();
            assertThat(ofStep.get(ofStep.size() - 1).op()).isEqualTo("complete");
            assertThat(ofStep.stream().filter(c -> c.op().equals("complete"))).hasSize(1);
            assertThat(progress).isNotEmpty().isSorted().doesNotHaveDuplicates().last().isEqualTo(100);
            int previous = 0;
            for (int p : progress) {
                assertThat(p - previous).as("increment of %s to %s", step, p).isBetween(1, DemoRun.MAX_INCREMENT);
                if (p < 100) {
                    assertThat(p - previous).isGreaterThanOrEqualTo(DemoRun.MIN_INCREMENT);
                }
                previous = p;
            }
            assertThat(ofStep.stream().filter(c -> c.op().equals("progress")).map(Call::text))
                    .allSatisfy(message -> assertThat(message).isNotBlank());
        }
        assertThat(calls).extracting(Call::op).doesNotContain("fail", "cancel");
        // One wait of 200..800 ms before every update, measured on the fake clock, never really slept.
        long progressCalls = calls.stream().filter(c -> c.op().equals("progress")).count();
        assertThat(time.sleeps()).hasSize((int) progressCalls)
                .allSatisfy(d -> assertThat(d).isBetween(Duration.ofMillis(200), Duration.ofMillis(800)));
        assertThat(result.elapsed()).isEqualTo(time.slept());
        assertThat(result.updates()).isEqualTo(calls.size() - 1);
    }

    @Test
    void speedMultipliesEveryWait() {
        demoRun(0, 0, 0.5).run("demo-fast-1", new Random(7), DemoRun.Listener.NONE);
        assertThat(time.sleeps()).isNotEmpty()
                .allSatisfy(d -> assertThat(d).isBetween(Duration.ofMillis(100), Duration.ofMillis(400)));

        FakeTime noWaits = new FakeTime();
        RunResult result = new DemoRun(service, noWaits, noWaits, 0, 0, 0).run("demo-instant-1", new Random(7),
                DemoRun.Listener.NONE);
        assertThat(result.outcome()).isEqualTo(RunResult.Outcome.COMPLETED);
        assertThat(noWaits.slept()).isZero();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void failureRateOneFailsEveryRunAtSomeStepWithAReason(long seed) {
        List<RunResult> finished = new ArrayList<>();
        DemoRun.Listener listener = new DemoRun.Listener() {
            @Override
            public void finished(RunResult result) {
                finished.add(result);
            }
        };

        RunResult result = demoRun(1.0, 1.0, 1.0).run("demo-fail-" + seed, new Random(seed), listener);

        assertThat(result.outcome()).isEqualTo(RunResult.Outcome.FAILED);
        assertThat(finished).containsExactly(result);
        assertThat(service.status("demo-fail-" + seed)).isEqualTo(InitializationStatus.FAILED);
        List<Call> calls = service.calls("demo-fail-" + seed);
        Call last = calls.get(calls.size() - 1);
        assertThat(last.op()).isEqualTo("fail");
        assertThat(last.step()).isEqualTo(result.step());
        assertThat(last.text()).isEqualTo(result.reason()).isNotBlank();
        assertThat(calls).extracting(Call::op).containsOnlyOnce("fail").doesNotContain("cancel");
        // The steps before the failing one completed; the failing one never did.
        List<String> plan = FakeProgressService.DEFAULT_PLAN.stream().map(PlannedStep::name).toList();
        List<String> completed = calls.stream().filter(c -> c.op().equals("complete")).map(Call::step).toList();
        assertThat(completed).isEqualTo(plan.subList(0, plan.indexOf(result.step())));
    }

    @Test
    void failuresHitEveryStepAndUseStepSpecificReasons() {
        List<RunResult> results = new ArrayList<>();
        for (int seed = 0; seed < 60; seed++) {
            results.add(demoRun(1.0, 0, 0).run("demo-f-" + seed, new Random(seed), DemoRun.Listener.NONE));
        }
        assertThat(results).extracting(RunResult::outcome).containsOnly(RunResult.Outcome.FAILED);
        assertThat(results.stream().map(RunResult::step).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("clone", "provision-database", "install-dependencies", "deploy-preview");
        assertThat(results).filteredOn(r -> r.step().equals("install-dependencies"))
                .extracting(RunResult::reason).allMatch(reason -> reason.startsWith("npm ERR!"));
    }

    @Test
    void aFailureRateOfTenPercentFailsAboutOneRunInTen() {
        Random random = new Random(99);
        long failed = 0;
        for (int i = 0; i < 400; i++) {
            if (demoRun(0.1, 0, 0).run("demo-r-" + i, random, DemoRun.Listener.NONE).outcome()
                    == RunResult.Outcome.FAILED) {
                failed++;
            }
        }
        assertThat(failed).isBetween(20L, 65L);
    }

    @Test
    void cancelRateOneCancelsMidway() {
        RunResult result = demoRun(0, 1.0, 1.0).run("demo-cancel-1", new Random(5), DemoRun.Listener.NONE);

        assertThat(result.outcome()).isEqualTo(RunResult.Outcome.CANCELLED);
        assertThat(service.status("demo-cancel-1")).isEqualTo(InitializationStatus.CANCELLED);
        List<Call> calls = service.calls("demo-cancel-1");
        assertThat(calls.get(calls.size() - 1).op()).isEqualTo("cancel");
        assertThat(calls.get(calls.size() - 1).text()).isEqualTo(result.reason()).isNotBlank();
    }

    @Test
    void aProjectIdSomeoneElseIsRunningIsLeftAlone() {
        service.start("demo-busy-1");
        service.reportProgress("demo-busy-1", "clone", 30, null);

        RunResult result = demoRun(0, 0, 0).run("demo-busy-1", new Random(1), DemoRun.Listener.NONE);

        assertThat(result.outcome()).isEqualTo(RunResult.Outcome.ABORTED);
        assertThat(result.reason()).contains("already in use");
        assertThat(service.calls("demo-busy-1")).extracting(Call::op).containsExactly("start", "progress", "start");
    }

    @Test
    void anUnreachableServiceAbortsTheRunWithoutThrowing() {
        ProgressClient down = new FakeProgressService() {
            @Override
            public synchronized io.stepprogress.event.InitializationView reportProgress(String projectId, String step,
                                                                                      int progress, String message) {
                throw new ProgressUnavailableException("POST /x", 5, new ConnectException("Connection refused"));
            }
        };

        RunResult result = new DemoRun(down, time, time, 0, 0, 1).run("demo-down-1", new Random(1), DemoRun.Listener.NONE);

        assertThat(result.outcome()).isEqualTo(RunResult.Outcome.ABORTED);
        assertThat(result.step()).isEqualTo("clone");
        assertThat(result.reason()).contains("unavailable after 5 attempts");
    }

    @Test
    void anInterruptedRunStopsAtOnceAndKeepsTheFlag() {
        Sleeper interrupted = duration -> {
            throw new InterruptedException();
        };

        RunResult result = new DemoRun(service, interrupted, time, 0, 0, 1).run("demo-stop-1", new Random(1),
                DemoRun.Listener.NONE);

        assertThat(result.outcome()).isEqualTo(RunResult.Outcome.INTERRUPTED);
        assertThat(Thread.interrupted()).isTrue(); // and clears it for the next tests
        assertThat(service.status("demo-stop-1")).isEqualTo(InitializationStatus.PENDING);
    }

    @Test
    void theSameSeedPlaysTheSameRun() {
        FakeProgressService other = new FakeProgressService();
        demoRun(0.5, 0.2, 1).run("demo-seed-1", new Random(123), DemoRun.Listener.NONE);
        new DemoRun(other, new FakeTime(), new FakeTime(), 0.5, 0.2, 1).run("demo-seed-1", new Random(123),
                DemoRun.Listener.NONE);

        assertThat(other.calls()).isEqualTo(service.calls());
    }
}
