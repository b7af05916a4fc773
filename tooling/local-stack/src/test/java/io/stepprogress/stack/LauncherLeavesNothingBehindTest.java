package io.stepprogress.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing of the stack outlives the launcher, however it ends: SIGTERM while it starts, SIGTERM after READY,
 * {@code kill -9} after READY (with the demo worker). The launcher runs as a real process (as
 * {@code ./local-stack.sh} runs it) on free ports with its own data directory; what it started is recorded by
 * pid before it is ended, and afterwards every one of those processes must be gone, no process may name the
 * data directory on its command line, and every port must be free again, all within a bounded time.
 */
class LauncherLeavesNothingBehindTest {

    private static final Duration STARTUP = Duration.ofMinutes(4);
    /** Services stop gracefully in seconds; ParentWatch halts them after 20 s; the broker's stop is bounded at 30 s. */
    private static final Duration GONE = Duration.ofSeconds(90);

    @TempDir
    Path dataDir;

    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private Process launcher;
    private Path output;
    private final List<ProcessHandle> recorded = new ArrayList<>();

    @Test
    void sigtermDuringStartupStopsWhatWasStartedAndStartsNothingMore() throws Exception {
        start(false);
        // Infrastructure is up and at least one service JVM exists, but the stack is not ready yet.
        await().atMost(STARTUP).until(() -> stackChildren().stream()
                .anyMatch(p -> commandLine(p).contains("quarkus-run.jar")));
        recordStack();
        assertThat(Files.readString(output)).as("the launcher must still be starting when it gets SIGTERM")
                .doesNotContain("READY");

        launcher.destroy();

        assertNothingOutlivesTheLauncher();
    }

    @Test
    void sigtermAfterReadyStopsEverything() throws Exception {
        start(false);
        awaitReady();
        recordStack();
        assertThat(recorded.stream().filter(p -> commandLine(p).contains("quarkus-run.jar"))).hasSize(4);

        launcher.destroy();

        assertNothingOutlivesTheLauncher();
        assertThat(Files.readString(output)).contains("stopped");
    }

    @Test
    void killMinusNineAfterReadyLeavesNoOrphan() throws Exception {
        start(true);
        awaitReady();
        recordStack();
        assertThat(recorded.stream().filter(p -> commandLine(p).contains("quarkus-run.jar"))).hasSize(4);
        assertThat(recorded.stream().filter(p -> commandLine(p).contains("demo-worker"))).hasSize(1);

        launcher.destroyForcibly();

        assertNothingOutlivesTheLauncher();
    }

    private void start(boolean demo) throws IOException {
        Path root = TestStacks.root();
        for (String option : List.of("postgres", "kafka", "progress", "notifier", "audit", "alert", "progress-management",
                "notifier-management", "audit-management", "alert-management")) {
            ports.put(option, TestStacks.freePort());
        }
        List<String> command = new ArrayList<>(List.of(ServiceProcess.javaBinary(), "-Dstack.root=" + root,
                "-cp", System.getProperty("java.class.path"), LocalStackMain.class.getName(),
                "--data-dir", dataDir.toString()));
        ports.forEach((option, port) -> command.addAll(List.of("--" + option + "-port", port.toString())));
        command.addAll(demo ? List.of("--demo-projects", "1") : List.of("--no-demo"));
        output = Files.createTempFile("launcher-", ".log");
        launcher = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(output.toFile())).start();
    }

    private void awaitReady() {
        await().atMost(STARTUP).until(() -> {
            assertThat(launcher.isAlive()).as("the launcher exited: %s", Files.readString(output)).isTrue();
            return Files.readString(output).contains("READY");
        });
    }

    /** The launcher's descendants (services, broker, demo worker, watchdogs) and the detached postmaster. */
    private void recordStack() throws IOException {
        recorded.addAll(stackChildren());
        Path pidFile = dataDir.resolve("postgres/postmaster.pid");
        await().atMost(STARTUP).until(() -> Files.isRegularFile(pidFile) && !Files.readAllLines(pidFile).isEmpty());
        long postmaster = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
        Optional<ProcessHandle> postgres = ProcessHandle.of(postmaster);
        assertThat(postgres).as("the postmaster runs").isPresent();
        recorded.add(postgres.get());
        assertThat(recorded.stream().filter(p -> commandLine(p).contains("KafkaBrokerMain"))).hasSize(1);
    }

    private List<ProcessHandle> stackChildren() {
        return launcher.descendants().filter(ProcessHandle::isAlive).collect(Collectors.toList());
    }

    private void assertNothingOutlivesTheLauncher() throws Exception {
        assertThat(launcher.waitFor(GONE.toSeconds(), TimeUnit.SECONDS)).as("the launcher ended").isTrue();
        await().atMost(GONE).untilAsserted(() -> {
            assertThat(recorded.stream().filter(ProcessHandle::isAlive).map(this::describe))
                    .as("processes of the stack still running").isEmpty();
            assertThat(ProcessHandle.allProcesses().filter(p -> commandLine(p).contains(dataDir.toString()))
                    .map(this::describe)).as("processes naming the stack's data directory").isEmpty();
            assertThat(ports.entrySet().stream().filter(entry -> !free(entry.getValue()))
                    .map(Map.Entry::getKey)).as("ports still taken").isEmpty();
        });
    }

    /** Never leaves the machine with a stack running, whatever the test found. */
    @AfterEach
    void killLeftovers() throws IOException {
        if (launcher != null) {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly();
        }
        recorded.forEach(ProcessHandle::destroyForcibly);
        ProcessHandle.allProcesses().filter(p -> commandLine(p).contains(dataDir.toString()))
                .forEach(ProcessHandle::destroyForcibly);
        if (output != null) {
            System.out.println("launcher output (" + output + "):\n" + Files.readString(output, StandardCharsets.UTF_8)
                    .lines().filter(line -> !line.contains("TOKEN=") && !line.contains("#token="))
                    .collect(Collectors.joining("\n")));
            Files.deleteIfExists(output);
        }
    }

    private String describe(ProcessHandle process) {
        return process.pid() + " " + commandLine(process);
    }

    private static String commandLine(ProcessHandle process) {
        // ProcessHandle.Info cuts long command lines (the broker's classpath is long); /proc has all of it.
        Path proc = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        try {
            if (Files.isReadable(proc)) {
                return new String(Files.readAllBytes(proc), StandardCharsets.UTF_8).replace('\0', ' ');
            }
        } catch (IOException e) {
            // ended meanwhile: fall back to what the JDK kept
        }
        ProcessHandle.Info info = process.info();
        return info.command().orElse("?") + " " + String.join(" ", info.arguments().orElse(new String[0]));
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // A port in TIME_WAIT after the owner is gone counts as free: the next start binds it the same way.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

}
