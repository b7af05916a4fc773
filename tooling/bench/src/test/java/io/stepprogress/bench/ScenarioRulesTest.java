package io.stepprogress.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioRulesTest {

    private static LatencySummary p50(double ms) {
        return new LatencySummary(1_000, ms, ms, ms, ms, ms, ms, ms);
    }

    @Test
    void theGetTargetIsTheNotifiersP50OverTheLoopbackBaselinesP50() {
        assertThat(Scenarios.baselineRatio(p50(0.10), p50(0.05))).isEqualTo(2.0);
        assertThat(Scenarios.baselineRatio(p50(0.30), p50(0.06))).isCloseTo(5.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Scenarios.baselineRatio(p50(0.10), LatencySummary.EMPTY)).isNaN();
        assertThat(Scenarios.baselineRatio(LatencySummary.EMPTY, p50(0.05))).isNaN();
    }

    @Test
    void aRampStepThatFailedOnLatencyAloneRunsOnceMoreAndTheRepeatDecides() {
        assertThat(Scenarios.repeatStep(true, 1)).as("first attempt, latency or a few shed alone").isTrue();
        assertThat(Scenarios.repeatStep(true, 2)).as("the repeat failed on latency too: the ramp ends").isFalse();
        assertThat(Scenarios.repeatStep(false, 1)).as("errors, shedding, lag or missing frames: no repeat").isFalse();
    }

    @Test
    void aFewShedUpdatesAreAStallsMarkAndMoreAreMissingCapacity() {
        assertThat(Scenarios.fewShed(0, 12_000)).isTrue();
        assertThat(Scenarios.fewShed(7, 12_000)).as("one stall at 600/s").isTrue();
        assertThat(Scenarios.fewShed(12, 12_000)).as("0.1 %").isTrue();
        assertThat(Scenarios.fewShed(13, 12_000)).as("more than 0.1 %: capacity, no repeat").isFalse();
    }

    @Test
    void backToSteadyIsTheFirstSecondAfterTheOverloadFromWhichEveryP99StaysUnderTheLimit() {
        // [t, count, p50, p99, max]; the overload ends at 70 s
        List<double[]> series = List.of(row(69, 900), row(70, 400), row(71, 150), row(72, 80), row(73, 120),
                row(74, 60), row(75, 40), row(76, 30));

        assertThat(Scenarios.secondsUntilSteady(series, 70, 100)).isEqualTo(4.0); // steady from 74 s
        assertThat(Scenarios.secondsUntilSteady(List.of(row(70, 20), row(71, 30)), 70, 100)).isZero();
        assertThat(Scenarios.secondsUntilSteady(List.of(row(70, 20), row(71, 300)), 70, 100)).isNaN();
        assertThat(Scenarios.secondsUntilSteady(List.of(row(69, 20)), 70, 100)).isNaN();
    }

    @Test
    void backToSteadyAsTheBaselineIsTheFirstWindowNoSlowerThanNineInTenOfTheBaselinesWindows() {
        // the baseline's windows: 30..120 ms; nine in ten are at most 110
        double[] baselineWindows = {30, 40, 50, 60, 70, 80, 90, 100, 110, 120};
        // the overload ends at 130 s; [t, count, p50, p99, max] of 5 s windows
        List<double[]> windows = List.of(row(129, 900), row(130, 600), row(131, 300), row(132, 115), row(133, 105),
                row(134, 40));

        assertThat(Scenarios.secondsUntilTypical(windows, baselineWindows, 130)).isEqualTo(3.0);
        assertThat(Scenarios.secondsUntilTypical(List.of(row(130, 111), row(131, 500)), baselineWindows, 130)).isNaN();
        assertThat(Scenarios.secondsUntilTypical(windows, new double[0], 130)).isNaN();
    }

    @Test
    void aStackThatStaysSlowerThanItsBaselineIsCaughtButNotTheBaselinesOwnTransients() {
        double[] baseline = new double[60];
        for (int s = 0; s < baseline.length; s++) {
            baseline[s] = 30 + (s * 7) % 21; // 30..50 ms
        }
        baseline[17] = 199; // a transient, as at the ramp's result without any overload
        double[] sameWithTransients = baseline.clone();
        sameWithTransients[3] = 160;
        sameWithTransients[41] = 220;
        double[] slower = new double[50];
        for (int s = 0; s < slower.length; s++) {
            slower[s] = baseline[s] + 15;
        }

        assertThat(Scenarios.slowerThanBaseline(RankSum.pLaterGreater(baseline, sameWithTransients))).isFalse();
        assertThat(Scenarios.slowerThanBaseline(RankSum.pLaterGreater(baseline, slower))).isTrue();
        assertThat(Scenarios.max(new double[] {3, 9, 4})).isEqualTo(9);
        assertThat(Scenarios.max(new double[0])).isNaN();
        assertThat(Scenarios.p99sBetween(List.of(row(9, 1), row(10, 2), row(11, 3), row(12, 4)), 10, 12))
                .containsExactly(2, 3);
    }

    @Test
    void aRampStepsWorstWindowIsTakenAfterTheWarmUp() {
        // [first second, count, p50, p99, max] of sliding windows; the step's first 5 s are its warm-up
        List<double[]> windows = List.of(row(3, 400), row(5, 40), row(6, 130), row(7, 60));

        assertThat(Scenarios.worstWindowP99(windows, 5)).isEqualTo(130);
        assertThat(Scenarios.worstWindowP99(windows, 7)).isEqualTo(60);
        assertThat(Scenarios.worstWindowP99(List.of(row(3, 400)), 5)).isNaN();
    }

    @Test
    void aSummaryBetweenSecondsMergesOnlyThoseSeconds() {
        long start = 1_000_000_000L;
        Latency latency = new Latency("e2e", "", start);
        for (int second = 0; second < 4; second++) {
            for (int i = 0; i < 100; i++) {
                latency.record((second + 1) * 10_000_000L, start + second * 1_000_000_000L); // 10, 20, 30, 40 ms
            }
        }

        LatencySummary lastTwo = latency.summaryBetween(2, Latency.MAX_SECONDS);

        assertThat(lastTwo.count()).isEqualTo(200);
        assertThat(lastTwo.p50()).isCloseTo(30, org.assertj.core.data.Offset.offset(0.5));
        assertThat(lastTwo.max()).isCloseTo(40, org.assertj.core.data.Offset.offset(0.5));
        assertThat(latency.summaryBetween(1, 2).count()).isEqualTo(100);
        assertThat(latency.summaryBetween(4, 10).count()).isZero();
        assertThat(new Latency("e2e", "").summaryBetween(0, 10).count()).isZero();
    }

    @Test
    void aWindowedSeriesMergesEveryWholeWindowOfSecondsSlidingByOne() {
        long start = 1_000_000_000L;
        Latency latency = new Latency("e2e", "", start);
        for (int second = 0; second < 4; second++) {
            for (int i = 0; i < 99; i++) {
                latency.record(5_000_000L, start + second * 1_000_000_000L);
            }
        }
        latency.record(400_000_000L, start + 1_000_000_000L); // two slow updates in second 1
        latency.record(400_000_000L, start + 1_000_000_000L);

        List<double[]> perSecond = latency.series();
        List<double[]> windows = latency.series(2);

        assertThat(perSecond.get(1)[3]).isGreaterThan(100); // 101 values: the two slow ones set the p99
        assertThat(windows).hasSize(3);
        assertThat(windows.get(0)[0]).isZero();
        assertThat(windows.get(0)[1]).isEqualTo(200);
        assertThat(windows.get(0)[3]).isLessThan(10);        // 200 values: two slow ones are not the p99
        assertThat(windows.get(2)[0]).isEqualTo(2);
    }

    @Test
    void theFloorWarmsTheWritePathUntilASliceIsNoMoreThanFivePercentFasterThanTheOneBefore() {
        assertThat(Scenarios.stillRising(171, 367)).isTrue();
        assertThat(Scenarios.stillRising(540, 568)).isTrue();
        assertThat(Scenarios.stillRising(540, 567)).isFalse();
        assertThat(Scenarios.stillRising(576, 540)).isFalse();
    }

    private static double[] row(double t, double p99) {
        return new double[] {t, 100, p99 / 2, p99, p99 * 2};
    }

    @Test
    void theOverloadRateIsTheOptionElseTheLastRampsResultElseADefault(@TempDir Path out) throws Exception {
        Path ramp = out.resolve("ramp.json");
        assertThat(Scenarios.overloadRate(null, ramp).rate()).isEqualTo(100);

        Files.writeString(ramp, "{\"throughput\": {\"max sustained rate (updates/s)\": 400.0}}");
        assertThat(Scenarios.overloadRate(null, ramp).rate()).isEqualTo(400);
        assertThat(Scenarios.overloadRate(250.0, ramp).rate()).isEqualTo(250);

        Files.writeString(ramp, "{\"throughput\": {\"max sustained rate (updates/s)\": 0.0}}");
        assertThat(Scenarios.overloadRate(null, ramp).rate()).isEqualTo(100);
    }
}
