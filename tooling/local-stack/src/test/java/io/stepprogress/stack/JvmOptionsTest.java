package io.stepprogress.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class JvmOptionsTest {

    @Test
    void theDefaultFixesEachJvmsHeapAtItsOwnSize() {
        assertThat(JvmOptions.collector("256m", null)).containsExactly(
                JvmOptions.DEFAULT.replace("{heap}", "256m").split(" "));
        assertThat(JvmOptions.collector("256m", " ")).contains("-Xmx256m", "-Xms256m");
    }

    @Test
    void anOverrideReplacesTheCollectorAndHeapFlagsWithEachJvmsHeapFilledIn() {
        assertThat(JvmOptions.collector("384m", "-XX:+UseSerialGC  -Xmx{heap}"))
                .containsExactly("-XX:+UseSerialGC", "-Xmx384m");
    }

    @Test
    void everyJvmWritesItsGcLogIntoTheStacksLogs() {
        assertThat(JvmOptions.service(Service.NOTIFIER, Path.of("/tmp/stack/logs")))
                .anyMatch(o -> o.startsWith("-Xlog:gc:file=/tmp/stack/logs/notifier-service-gc.log"))
                .contains("-XX:+ExitOnOutOfMemoryError", "-XX:PerfDataSamplingInterval=1000")
                .containsSubsequence(JvmOptions.MONITOR_DEFLATION);
        assertThat(JvmOptions.broker(Path.of("/tmp/stack/logs")))
                .anyMatch(o -> o.startsWith("-Xlog:gc:file=/tmp/stack/logs/kafka-gc.log"))
                .containsSubsequence(JvmOptions.MONITOR_DEFLATION);
    }

    /** The images run each service as the local stack does: the same collector, heap and flags. */
    @Test
    void everyServiceImageRunsTheJvmFlagsOfTheLocalStack() throws IOException {
        for (Service service : Service.values()) {
            Path dockerfile = TestStacks.root().resolve(service.module()).resolve("src/main/docker/Dockerfile.jvm");
            List<String> imageFlags = new ArrayList<>(environmentFlags(dockerfile, "GC_CONTAINER_OPTIONS"));
            imageFlags.addAll(environmentFlags(dockerfile, "JAVA_OPTS_APPEND"));

            List<String> stackFlags = new ArrayList<>(JvmOptions.collector(service.heap(), null));
            stackFlags.add(JvmOptions.PERF_DATA_SAMPLING);
            stackFlags.addAll(JvmOptions.MONITOR_DEFLATION);
            assertThat(imageFlags).as(dockerfile.toString()).containsAll(stackFlags);
            assertThat(imageFlags).as(dockerfile + ": an unlock comes before the flag it unlocks")
                    .containsSubsequence(JvmOptions.MONITOR_DEFLATION);
        }
    }

    /** Compose's broker runs as the local stack's: the same collector, heap and deflation flags. */
    @Test
    void composesBrokerRunsTheJvmFlagsOfTheLocalStacksBroker() throws IOException {
        Path compose = TestStacks.root().resolve("docker-compose.yml");
        List<String> brokerFlags = new ArrayList<>(composeFlags(compose, "KAFKA_HEAP_OPTS"));
        brokerFlags.addAll(composeFlags(compose, "KAFKA_JVM_PERFORMANCE_OPTS"));

        assertThat(brokerFlags).as(compose.toString())
                .containsAll(JvmOptions.collector(JvmOptions.BROKER_HEAP, null))
                .containsSubsequence(JvmOptions.MONITOR_DEFLATION);
    }

    private static List<String> composeFlags(Path compose, String variable) throws IOException {
        Matcher env = Pattern.compile("(?m)^\\s+" + variable + ": (.+)$").matcher(Files.readString(compose));
        assertThat(env.find()).as(compose + " sets " + variable).isTrue();
        return Arrays.asList(env.group(1).strip().split("\\s+"));
    }

    private static List<String> environmentFlags(Path dockerfile, String variable) throws IOException {
        Matcher env = Pattern.compile("(?m)^ENV " + variable + "=\"([^\"]*)\"$").matcher(Files.readString(dockerfile));
        assertThat(env.find()).as(dockerfile + " sets " + variable).isTrue();
        return Arrays.asList(env.group(1).strip().split("\\s+"));
    }
}
