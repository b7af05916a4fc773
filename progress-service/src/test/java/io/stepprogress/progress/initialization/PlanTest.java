package io.stepprogress.progress.initialization;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PlanTest {

    @Test
    void acceptsAValidPlan() {
        assertThatNoException().isThrownBy(() -> Plan.of(List.of(new PlannedStep("a.b_c-1", "A", 1))));
    }

    @Test
    void rejectsEmptyPlans() {
        assertThatThrownBy(() -> Plan.of(List.of())).isInstanceOf(InvalidPlanException.class)
                .hasMessageContaining("a plan has 1 to 50 steps");
    }

    @Test
    void rejectsMoreThanFiftySteps() {
        List<PlannedStep> steps = IntStream.range(0, 51).mapToObj(i -> new PlannedStep("s" + i, "S", 1)).toList();

        assertThatThrownBy(() -> Plan.of(steps)).hasMessageContaining("a plan has 1 to 50 steps, got 51");
    }

    @Test
    void rejectsDuplicateNames() {
        assertThatThrownBy(() -> Plan.of(List.of(new PlannedStep("a", "A", 1), new PlannedStep("a", "B", 1))))
                .hasMessageContaining("duplicate step name 'a'");
    }

    @Test
    void rejectsNonPositiveWeights() {
        assertThatThrownBy(() -> Plan.of(List.of(new PlannedStep("a", "A", 0)))).hasMessage("steps[0].weight must be a positive integer, got 0");
    }

    @Test
    void rejectsBadNamesAndLabels() {
        assertThatThrownBy(() -> Plan.of(List.of(new PlannedStep("a b", "A", 1)))).hasMessageContaining("match");
        assertThatThrownBy(() -> Plan.of(List.of(new PlannedStep("a", " ", 1)))).hasMessageContaining("label");
        assertThatThrownBy(() -> Plan.of(List.of(new PlannedStep("a", "x".repeat(201), 1))))
                .hasMessageContaining("label");
    }
}
