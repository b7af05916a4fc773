package io.stepprogress.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stepprogress.client.ProgressClient;
import io.stepprogress.demo.FakeProgressService.Call;
import io.stepprogress.event.InitializationStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DemoWorkerTest {

    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(stdout, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(stderr, true, StandardCharsets.UTF_8);

    private static DemoOptions options(int projects, double failureRate, double speed, long runs) {
        return new DemoOptions(URI.create("http://127.0.0.1:1"), projects, failureRate, 0, speed, runs, null, 7L);
    }

    private List<String> lines() {
        return stdout.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void runsTheRequestedNumberOfRunsThenEnds() {
        FakeProgressService service = new FakeProgressService();
        FakeTime time = new FakeTime();
        DemoWorker worker = new DemoWorker(options(3, 0.5, 1.0, 7), service, service, time, time, out, err);

        worker.start();
        worker.awaitWorkers();

        List<String> lines = lines();
        assertThat(lines).filteredOn(l -> l.contains(" started ")).hasSize(7)
                .allMatch(l -> l.matches("\\S+Z started  demo-[a-z]+-\\d+\\s+clone, provision-database, "
                        + "install-dependencies, deploy-preview"));
        assertThat(lines).filteredOn(l -> l.contains(" finished ")).hasSize(7)
                .allMatch(l -> l.matches(".* finished demo-[a-z]+-\\d+\\s+(completed in|failed at) .*"));
        assertThat(worker.count(RunResult.Outcome.COMPLETED) + worker.count(RunResult.Outcome.FAILED)).isEqualTo(7);
        Set<String> projects = service.calls().stream().map(Call::projectId).collect(Collectors.toSet());
        assertThat(projects).hasSize(7).allSatisfy(p -> assertThat(service.status(p))
                .isIn(InitializationStatus.COMPLETED, InitializationStatus.FAILED));

        worker.stop();
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("stopped after 7 run(s)");
    }

    @Test
    void stopInterruptsTheWorkersAndCancelsTheirUnfinishedRunsWithinTwoSeconds() {
        FakeProgressService service = new FakeProgressService();
        DemoWorker worker = new DemoWorker(options(3, 0, 1.0, 0), service, service, Sleeper.SYSTEM,
                Clock.systemUTC(), out, err);
        worker.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> lines().stream().filter(l -> l.contains(" started ")).count() == 3
                && service.calls().stream().anyMatch(c -> c.op().equals("progress")));
        Set<Thread> workers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("demo-worker-")).collect(Collectors.toSet());

        long began = System.nanoTime();
        worker.stop();
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        assertThat(took).isLessThan(Duration.ofSeconds(2));
        assertThat(workers).hasSize(3).noneMatch(Thread::isAlive);
        Set<String> projects = service.calls().stream().map(Call::projectId).collect(Collectors.toSet());
        assertThat(projects).hasSize(3).allSatisfy(p -> assertThat(service.status(p)).isEqualTo(InitializationStatus.CANCELLED));
        assertThat(service.calls()).filteredOn(c -> c.op().equals("cancel")).extracting(Call::text)
                .containsOnly("demo worker stopped");
        assertThat(lines()).filteredOn(l -> l.contains(" finished ")).hasSize(3)
                .allMatch(l -> l.contains("interrupted at"));
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("3 unfinished run(s) cancelled");
    }

    @Test
    void endToEndOverHttpWithTheRealClient() throws Exception {
        try (HttpFakeProgressService http = new HttpFakeProgressService()) {
            ProgressClient client = ProgressClient.builder(http.baseUrl()).bearerToken("t0k")
                    .retries(3, Duration.ofMillis(1), Duration.ofMillis(5)).build();
            DemoOptions options = new DemoOptions(http.baseUrl(), 2, 0.3, 0.1, 0.01, 5, "t0k", 11L);
            DemoWorker worker = new DemoWorker(options, client, client, Sleeper.SYSTEM, Clock.systemUTC(), out, err);

            worker.start();
            worker.awaitWorkers();

            FakeProgressService service = http.service();
            Set<String> projects = service.calls().stream().map(Call::projectId).collect(Collectors.toSet());
            assertThat(projects).hasSize(5).allSatisfy(p -> assertThat(service.status(p)).isIn(
                    InitializationStatus.COMPLETED, InitializationStatus.FAILED, InitializationStatus.CANCELLED));
            assertThat(lines()).filteredOn(l -> l.contains(" finished ")).hasSize(5)
                    .noneMatch(l -> l.contains("aborted"));
            assertThat(http.authorizations()).isNotEmpty().containsOnly("Bearer t0k");
        }
    }

    @Test
    void anUnreachableServiceAbortsRunsButKeepsTheWorkerAlive() {
        ProgressClient nowhere = ProgressClient.builder(URI.create("http://127.0.0.1:1"))
                .retries(2, Duration.ofMillis(1), Duration.ofMillis(1)).build();
        FakeTime time = new FakeTime();
        DemoWorker worker = new DemoWorker(options(1, 0, 1.0, 3), nowhere, nowhere, time, time, out, err);

        worker.start();
        worker.awaitWorkers();

        assertThat(worker.count(RunResult.Outcome.ABORTED)).isEqualTo(3);
        assertThat(lines()).hasSize(3).allMatch(l -> l.contains("aborted after") && l.contains("unavailable after 2 attempts"));
        assertThat(time.sleeps()).contains(DemoWorker.PAUSE_AFTER_ABORT);
    }
}
