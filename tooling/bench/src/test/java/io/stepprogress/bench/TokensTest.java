package io.stepprogress.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stepprogress.security.DevKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokensTest {

    private static String payload(String jwt) {
        return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
    }

    @Test
    void withoutKeysNoTokenIsSent() {
        Tokens tokens = Tokens.from(null, "bench");

        assertThat(tokens.enabled()).isFalse();
        assertThat(tokens.writer().get()).isNull();
        assertThat(tokens.subscribers(3)).containsOnlyNulls();
        assertThat(tokens.describe()).isEqualTo("no token");
    }

    @Test
    void writerAndSubscriberTokensCarryTheirScopeAndTheBenchProjectsOnly(@TempDir Path dir) {
        DevKeys.loadOrCreate(dir);
        Tokens tokens = Tokens.from(dir, "bench");

        String writer = tokens.writer().get();
        assertThat(payload(writer)).contains("\"scope\":\"progress:write\"").contains("\"projects\":[\"bench-*\"]")
                .contains("\"iss\":\"step-progress\"");
        assertThat(tokens.writer().get()).isSameAs(writer); // reused until shortly before it expires
        assertThat(payload(writer)).contains("\"aud\":\"progress-service\"");
        assertThat(payload(tokens.subscriber("s"))).contains("\"scope\":\"progress:subscribe\"")
                .contains("\"aud\":\"notifier-service\"");
    }

    @Test
    void oneSubscriberTokenServesAtMostEightStreams(@TempDir Path dir) {
        DevKeys.loadOrCreate(dir);

        String[] tokens = Tokens.from(dir, "bench").subscribers(20);

        assertThat(tokens).hasSize(20);
        assertThat(new java.util.HashSet<>(java.util.List.of(tokens))).hasSize(3);
        assertThat(tokens[0]).isEqualTo(tokens[7]).isNotEqualTo(tokens[8]);
        assertThat(tokens[16]).isEqualTo(tokens[19]);
    }

    @Test
    void aDirectoryWithoutASigningKeyIsAnError(@TempDir Path dir) {
        assertThatThrownBy(() -> Tokens.from(dir, "bench")).hasMessageContaining(DevKeys.AUTHORITY_SIGNING_KEY);
    }
}
