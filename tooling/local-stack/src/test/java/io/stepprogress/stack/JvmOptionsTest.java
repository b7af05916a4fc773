package io.stepprogress.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
                .contains("-XX:+ExitOnOutOfMemoryError", "-XX:PerfDataSamplingInterval=1000");
        assertThat(JvmOptions.broker(Path.of("/tmp/stack/logs")))
                .anyMatch(o -> o.startsWith("-Xlog:gc:file=/tmp/stack/logs/kafka-gc.log"));
    }
}
