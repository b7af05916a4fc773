package io.stepprogress.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

    @Test
    void defaultsTargetTheLocalStack() {
        BenchOptions o = BenchOptions.parse(new String[] {"steady"});

        assertThat(o.scenario).isEqualTo("steady");
        assertThat(o.progressUrl.toString()).isEqualTo("http://127.0.0.1:8081");
        assertThat(o.progressManagementMetrics().toString()).isEqualTo("http://127.0.0.1:9081/q/metrics");
        assertThat(o.notifierManagementMetrics().toString()).isEqualTo("http://127.0.0.1:9080/q/metrics");
        assertThat(o.processPorts()).containsEntry("postgresql", 5432).containsEntry("kafka", 9092)
                .containsEntry("progress-service", 8081).containsEntry("notifier-service", 8080);
    }

    @Test
    void optionsAreParsedAndBounded() {
        BenchOptions o = BenchOptions.parse(new String[] {"ramp", "--rates", "100,300", "--workers", "4",
                "--step-duration", "20s", "--p99-limit", "80ms", "--out", "/tmp/x"});

        assertThat(o.rates).isEqualTo("100,300");
        assertThat(o.workers).isEqualTo(4);
        assertThat(o.stepDuration).isEqualTo(Duration.ofSeconds(20));
        assertThat(o.p99Limit).isEqualTo(Duration.ofMillis(80));
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"steady", "--rate", "1000000"}))
                .hasMessageContaining("--rate");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"steady", "--duration", "2h"}))
                .hasMessageContaining("--duration");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"fanout", "--connections", "50000"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(BenchOptions.parse(new String[] {"floor"}).floorWarmLimit).isEqualTo(Duration.ofMinutes(2));
        assertThat(BenchOptions.parse(new String[] {"floor", "--floor-warm-limit", "0"}).floorWarmLimit).isZero();
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"floor", "--floor-warm-limit", "1h"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"nope"})).hasMessageContaining("unknown scenario");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"get", "--bogus", "1"}))
                .hasMessageContaining("unknown option");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"get", "--rate"})).hasMessageContaining("needs a value");
    }

    @Test
    void nonLoopbackTargetsAreRefusedUnlessAllowed() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"steady", "--progress-url", "http://10.1.2.3:8081"}))
                .hasMessageContaining("refusing non-loopback target 10.1.2.3");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"steady", "--kafka", "192.168.1.5:9092"}))
                .hasMessageContaining("192.168.1.5");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"floor", "--jdbc-url",
                "jdbc:postgresql://172.16.0.1:5432/progress"})).hasMessageContaining("172.16.0.1");

        BenchOptions allowed = BenchOptions.parse(new String[] {"steady", "--progress-url", "http://10.1.2.3:8081",
                "--allow-remote"});
        assertThat(allowed.progressUrl.getHost()).isEqualTo("10.1.2.3");
        assertThat(BenchOptions.parse(new String[] {"get", "--notifier-url", "http://localhost:18080"}).notifierUrl
                .getPort()).isEqualTo(18080);
    }

    @Test
    void loopbackMeansThe127NetworkIpv6LoopbackAndLocalhost() {
        assertThat(BenchOptions.isLoopback("127.0.0.1")).isTrue();
        assertThat(BenchOptions.isLoopback("127.3.4.5")).isTrue();
        assertThat(BenchOptions.isLoopback("[::1]")).isTrue();
        assertThat(BenchOptions.isLoopback("localhost")).isTrue();
        assertThat(BenchOptions.isLoopback("10.0.0.1")).isFalse();
        assertThat(BenchOptions.isLoopback("8.8.8.8")).isFalse();
        assertThat(BenchOptions.isLoopback("")).isFalse();
    }

    @Test
    void durationsAndCounts() {
        assertThat(BenchOptions.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(BenchOptions.parseDuration("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(BenchOptions.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(BenchOptions.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1_500));
        assertThatThrownBy(() -> BenchOptions.parseDuration("soon")).isInstanceOf(IllegalArgumentException.class);
        assertThat(BenchOptions.parseCounts("1000, 10000", 1, 19_000)).containsExactly(1_000, 10_000);
        assertThat(BenchOptions.hostOfHostPort("127.0.0.1:9092")).isEqualTo("127.0.0.1");
        assertThat(BenchOptions.portOfHostPort("127.0.0.1:19092", 9092)).isEqualTo(19092);
        assertThat(BenchOptions.jdbcPort("jdbc:postgresql://127.0.0.1:15432/progress")).isEqualTo(15432);
        assertThat(BenchOptions.jdbcPort("jdbc:postgresql://localhost/progress")).isEqualTo(5432);
    }
}
