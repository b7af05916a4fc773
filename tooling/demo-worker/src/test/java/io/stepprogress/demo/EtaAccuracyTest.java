package io.stepprogress.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stepprogress.event.Eta;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EtaAccuracyTest {

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    private static InitializationView at(long second, double progress, Eta eta) {
        return new InitializationView("p", InitializationStatus.RUNNING, progress, null, "s", 1, T0,
                T0.plusSeconds(second), null, null, List.of(), 1, eta);
    }

    private static InitializationView finishedAt(long second) {
        return new InitializationView("p", InitializationStatus.COMPLETED, 100, null, null, 1, T0,
                T0.plusSeconds(second), T0.plusSeconds(second), null, List.of(), 1, null);
    }

    @Test
    void judgesTheFirstViewAtOrPastTheMarkAgainstTheRealFinish() {
        // Finishes at 100 s: at 30 % (t = 30) 70 s are left; the estimate said 60, at most 80.
        List<InitializationView> run = List.of(at(0, 0, new Eta(100, 120, 3)), at(10, 10, new Eta(90, 100, 3)),
                at(30, 30, new Eta(60, 80, 3)), at(60, 60, new Eta(50, 55, 3)), finishedAt(100));

        EtaAccuracy.Mark mark = EtaAccuracy.at(List.of(run), 25);

        assertThat(mark.estimated()).isEqualTo(1);
        assertThat(mark.medianAbsError()).isCloseTo(10, within(1e-9));
        assertThat(mark.insideP90()).isEqualTo(1.0);
        assertThat(mark.linearMedianAbsError()).as("30 s x 70 / 30 = 70: spot on").isCloseTo(0, within(1e-9));
        assertThat(EtaAccuracy.at(List.of(run), 50).insideP90()).as("55 s said at most, 40 left").isEqualTo(1.0);
    }

    @Test
    void countsAFinishLaterThanP90AsOutside() {
        List<InitializationView> run = List.of(at(10, 50, new Eta(20, 30, 5)), finishedAt(50));

        assertThat(EtaAccuracy.at(List.of(run), 50).insideP90()).isZero();
    }

    @Test
    void skipsRunsThatDidNotCompleteAndCountsViewsWithoutAnEstimate() {
        List<InitializationView> unfinished = List.of(at(10, 50, new Eta(20, 30, 5)));
        List<InitializationView> firstEver = List.of(at(10, 50, null), finishedAt(20));

        EtaAccuracy.Mark mark = EtaAccuracy.at(List.of(unfinished, firstEver), 50);

        assertThat(mark.estimated()).isZero();
        assertThat(mark.withoutEstimate()).isEqualTo(1);
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(EtaAccuracy.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    }
}
