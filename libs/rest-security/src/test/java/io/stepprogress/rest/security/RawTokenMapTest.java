package io.stepprogress.rest.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RawTokenMapTest {

    @Test
    void aValueIsWorkedOutOncePerRawToken() {
        RawTokenMap<String> map = new RawTokenMap<>();
        AtomicInteger derived = new AtomicInteger();

        assertThat(map.computeIfAbsent("a", () -> "a" + derived.incrementAndGet())).isEqualTo("a1");
        assertThat(map.computeIfAbsent("a", () -> "a" + derived.incrementAndGet())).isEqualTo("a1");
        assertThat(map.computeIfAbsent("b", () -> "b" + derived.incrementAndGet())).isEqualTo("b2");
        assertThat(derived).hasValue(2);
    }

    @Test
    void pastItsBoundItStartsOverInsteadOfGrowing() {
        RawTokenMap<Integer> map = new RawTokenMap<>();
        for (int i = 0; i < RawTokenMap.MAX_ENTRIES; i++) {
            map.put("token-" + i, i);
        }
        assertThat(map.size()).isEqualTo(RawTokenMap.MAX_ENTRIES);

        map.put("one-more", -1);

        assertThat(map.size()).isEqualTo(1);
        assertThat(map.get("one-more")).isEqualTo(-1);
        assertThat(map.get("token-0")).isNull();
    }
}
