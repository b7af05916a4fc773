package io.stepprogress.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class DemoOptionsTest {

    @Test
    void defaults() {
        DemoOptions options = DemoOptions.parse(new String[0], null);

        assertThat(options).isEqualTo(DemoOptions.defaults());
        assertThat(options.progressUrl()).isEqualTo(URI.create("http://127.0.0.1:8081"));
        assertThat(options.projects()).isEqualTo(3);
        assertThat(options.failureRate()).isEqualTo(0.1);
        assertThat(options.speed()).isEqualTo(1.0);
        assertThat(options.runs()).isZero();
        assertThat(options.token()).isNull();
        assertThat(options.seed()).isNull();
    }

    @Test
    void everyOptionInBothSpellings() {
        DemoOptions options = DemoOptions.parse(new String[] {"--progress-url", "http://progress:9000/base",
                "--projects=5", "--failure-rate", "0.25", "--cancel-rate=0", "--speed", "0.5", "--runs", "12",
                "--token", "abc", "--seed=42"}, "from-env");

        assertThat(options).isEqualTo(new DemoOptions(URI.create("http://progress:9000/base"), 5, 0.25, 0, 0.5, 12,
                "abc", 42L));
        assertThat(options.toString()).doesNotContain("abc");
    }

    @Test
    void theTokenFallsBackToTheEnvironment() {
        assertThat(DemoOptions.parse(new String[0], "env-token").token()).isEqualTo("env-token");
        assertThat(DemoOptions.parse(new String[0], " ").token()).isNull();
    }

    @Test
    void helpAndBadInput() {
        assertThat(DemoOptions.parse(new String[] {"--help"}, null)).isNull();
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--projects", "0"}, null))
                .hasMessageContaining("--projects");
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--failure-rate", "1.5"}, null))
                .hasMessageContaining("--failure-rate");
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--speed", "fast"}, null))
                .hasMessageContaining("--speed needs a number");
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--runs"}, null)).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--nope", "1"}, null)).hasMessageContaining("unknown option");
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"--progress-url", "localhost:8081"}, null))
                .hasMessageContaining("http");
        assertThatThrownBy(() -> DemoOptions.parse(new String[] {"stray"}, null)).hasMessageContaining("unexpected");
    }
}
