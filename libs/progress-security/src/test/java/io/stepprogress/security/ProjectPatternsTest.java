package io.stepprogress.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
