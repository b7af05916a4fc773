package io.stepprogress.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PlanRulesTest {

    record Step(String name, String label, Integer weight) {
    }

    private static Optional<String> check(Step... steps) {
        return check(Arrays.asList(steps));
    }

    private static Optional<String> check(List<Step> steps) {
        return PlanRules.firstViolation(steps, Step::name, Step::label, Step::weight);
    }

    @Test
    void aValidPlanBreaksNoRule() {
        assertThat(check(new Step("a.b_c-1", "A", 1), new Step("b", "l".repeat(200), 7))).isEmpty();
        assertThat(check(IntStream.range(0, 50).mapToObj(i -> new Step("s" + i, "S", 1)).toList())).isEmpty();
    }

    @Test
    void aBrokenPlanIsToldTheFirstRuleInTheWordsOfARejectedRequest() {
        assertThat(check()).contains("a plan has 1 to 50 steps, got 0");
        assertThat(check(IntStream.range(0, 51).mapToObj(i -> new Step("s" + i, "S", 1)).toList()))
                .contains("a plan has 1 to 50 steps, got 51");
        assertThat(check(new Step("a", "A", 1), null)).contains("steps[1] a step cannot be null");
        assertThat(check(new Step(null, "A", 1))).contains("steps[0].name is required");
        assertThat(check(new Step("a b", "A", 1))).contains("steps[0].name must match [A-Za-z0-9._-]{1,64}");
        assertThat(check(new Step("s".repeat(65), "A", 1))).contains("steps[0].name must match [A-Za-z0-9._-]{1,64}");
        assertThat(check(new Step("a", "A", 1), new Step("a", "B", 1))).contains("duplicate step name 'a'");
        assertThat(check(new Step("a", " ", 1))).contains("steps[0].label is required");
        assertThat(check(new Step("a", "l".repeat(201), 1))).contains("steps[0].label must be at most 200 characters");
        assertThat(check(new Step("a", "A", null))).contains("steps[0].weight is required");
        assertThat(check(new Step("a", "A", 0))).contains("steps[0].weight must be a positive integer, got 0");
    }
}
