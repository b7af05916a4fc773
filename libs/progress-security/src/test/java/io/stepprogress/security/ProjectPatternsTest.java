package io.stepprogress.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProjectPatternsTest {

    @Test
    void exactIdsMatchOnlyThemselves() {
        ProjectPatterns patterns = ProjectPatterns.of("alpha");
        assertThat(patterns.allows("alpha")).isTrue();
        assertThat(patterns.allows("alpha2")).isFalse();
        assertThat(patterns.allows("Alpha")).isFalse();
        assertThat(patterns.singleProject()).contains("alpha");
    }

    @Test
    void wildcardStandsForAnyRunOfIdCharacters() {
        ProjectPatterns patterns = ProjectPatterns.of("acme-*", "*.demo");
        assertThat(patterns.allows("acme-")).isTrue();
        assertThat(patterns.allows("acme-shop")).isTrue();
        assertThat(patterns.allows("x.demo")).isTrue();
        assertThat(patterns.allows("acm-shop")).isFalse();
        assertThat(patterns.allows("x.demo.other")).isFalse();
        assertThat(patterns.singleProject()).isEmpty();
    }

    @Test
    void regexCharactersInPatternsAreLiteral() {
        ProjectPatterns patterns = ProjectPatterns.of("a.b");
        assertThat(patterns.allows("a.b")).isTrue();
        assertThat(patterns.allows("axb")).isFalse();
    }

    @Test
    void everyProjectIsTheExplicitStarAndAnEmptyListIsNone() {
        assertThat(ProjectPatterns.any().allows("anything")).isTrue();
        assertThat(ProjectPatterns.any().unrestricted()).isTrue();
        assertThat(ProjectPatterns.any().patterns()).containsExactly("*");
        assertThat(ProjectPatterns.of("*").unrestricted()).isTrue();
        assertThat(ProjectPatterns.of("acme-*").unrestricted()).isFalse();
        assertThat(ProjectPatterns.of().allows("anything")).isFalse();
    }

    @Test
    void patternsOutsideTheIdAlphabetAreRefused() {
        assertThatThrownBy(() -> ProjectPatterns.of("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProjectPatterns.of("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProjectPatterns.of("(.*)")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTokensPatternsAreCompiledOnceAndStillCheckedEveryTimeTheyAreRefused() {
        ProjectPatterns first = ProjectPatterns.of("team-*", "solo");

        assertThat(ProjectPatterns.of(List.of("team-*", "solo"))).isSameAs(first);
        assertThat(ProjectPatterns.of("solo", "team-*")).isNotSameAs(first).satisfies(p -> {
            assertThat(p.allows("team-a")).isTrue();
            assertThat(p.allows("other")).isFalse();
        });
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> ProjectPatterns.of("ok", "a/b")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void theCompiledPatternsHeldAreBounded() {
        for (int i = 0; i < 3 * ProjectPatterns.COMPILED_LIMIT; i++) {
            ProjectPatterns patterns = ProjectPatterns.of("bounded-" + i);

            assertThat(patterns.allows("bounded-" + i)).isTrue();
            assertThat(ProjectPatterns.compiledHeld()).isLessThanOrEqualTo(ProjectPatterns.COMPILED_LIMIT);
        }
    }
}
