package io.stepprogress.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepStatus;
import io.stepprogress.event.StepView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverloadVerdictTest {

    private static final String FINAL = "20 run 1 RUNNING 50.0 [a=COMPLETED/100/done;b=RUNNING/0/x;]";

    /** Project 0: the stream opened at 10, updates 11..20, status changes at 12 (a step started) and 15. */
    private static List<OverloadVerdict.ProjectTruth> project() {
        return List.of(new OverloadVerdict.ProjectTruth(0, 20, FINAL, new long[] {12, 15}));
    }

    private static OverloadVerdict.StreamRecord stream(String lastView, long... ids) {
        return new OverloadVerdict.StreamRecord(0, true, 10, ids, lastView);
    }

    @Test
    void aSubscriberThatGotEveryEventPasses() {
        OverloadVerdict.Verdict v = OverloadVerdict.judge(project(),
                List.of(stream(FINAL, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20)));

        assertThat(v.passed()).isTrue();
        assertThat(v.statusChangesExpected()).isEqualTo(2);
        assertThat(v.mergedProgressEvents()).isZero();
    }

    @Test
    void mergedProgressEventsAreAcceptedAndCountedWhenEveryStatusChangeArrivedAndTheEndIsTheFinalView() {
        OverloadVerdict.Verdict v = OverloadVerdict.judge(project(), List.of(stream(FINAL, 12, 15, 20)));

        assertThat(v.passed()).isTrue();
        assertThat(v.mergedProgressEvents()).isEqualTo(7); // 11, 13, 14, 16, 17, 18, 19
        assertThat(v.statusChangesMissing()).isZero();
    }

    @Test
    void aStatusChangeMergedAwayIsFlaggedEvenWhenTheStreamEndsOnTheFinalView() {
        OverloadVerdict.Verdict v = OverloadVerdict.judge(project(), List.of(stream(FINAL, 12, 16, 20)));

        assertThat(v.passed()).isFalse();
        assertThat(v.statusChangesMissing()).isEqualTo(1);
        assertThat(v.examples()).anyMatch(e -> e.contains("never got status change 15"));
    }

    @Test
    void aStreamThatEndsOnAStaleViewIsFlaggedEvenWithEveryStatusChange() {
        String stale = "19 run 1 RUNNING 45.0 [a=COMPLETED/100/done;b=RUNNING/0/x;]";
        OverloadVerdict.Verdict v = OverloadVerdict.judge(project(), List.of(stream(stale, 12, 15, 19)));

        assertThat(v.passed()).isFalse();
        assertThat(v.onFinalView()).isZero();
        assertThat(v.examples()).anyMatch(e -> e.contains("not on the final view"));
    }

    @Test
    void idsThatDoNotIncreaseAndStreamsClosedBeforeTheFinalViewAreFlagged() {
        String stale = "15 run 1 RUNNING 30.0 [a=COMPLETED/100/done;b=RUNNING/0/x;]";
        OverloadVerdict.Verdict v = OverloadVerdict.judge(project(), List.of(stream(FINAL, 12, 15, 14, 20),
                new OverloadVerdict.StreamRecord(0, false, 10, new long[] {12, 15}, stale)));

        assertThat(v.passed()).isFalse();
        assertThat(v.idsNotIncreasing()).isEqualTo(1);
        assertThat(v.closed()).isEqualTo(1);
    }

    @Test
    void aStreamClosedAfterItsFinalViewEndedNormally() {
        OverloadVerdict.Verdict v = OverloadVerdict.judge(project(),
                List.of(new OverloadVerdict.StreamRecord(0, false, 10, new long[] {12, 15, 20}, FINAL)));

        assertThat(v.passed()).isTrue();
        assertThat(v.closed()).isZero();
    }

    @Test
    void statusChangesBeforeTheStreamOpenedAreInItsSnapshotNotExpectedAsFrames() {
        OverloadVerdict.Verdict v = OverloadVerdict.judge(project(),
                List.of(new OverloadVerdict.StreamRecord(0, true, 13, new long[] {15, 20}, FINAL)));

        assertThat(v.passed()).isTrue();
        assertThat(v.statusChangesExpected()).isEqualTo(1);
    }

    @Test
    void aProgressFrameAndASnapshotOfTheSameViewGiveTheWritersKey() throws Exception {
        Instant t = Instant.parse("2026-11-29T21:00:00Z");
        InitializationView view = new InitializationView("bench-0", InitializationStatus.RUNNING, 50.0, "x", "b", 20, t,
                t, null, null, List.of(new StepView("a", "A", 1, StepStatus.COMPLETED, 100, "done", t, t),
                new StepView("b", "B", 1, StepStatus.RUNNING, 0, "x", t, t)), 1);
        ObjectMapper json = EventJson.configure(new ObjectMapper());
        String snapshot = json.writeValueAsString(view);
        String progress = "{\"eventId\":\"8d5f7a0e-0000-4000-8000-000000000000\",\"type\":\"StepProgressUpdated\","
                + "\"projectId\":\"bench-0\",\"sequence\":20,\"initialization\":" + snapshot + "}";

        assertThat(OverloadVerdict.viewKey(view)).isEqualTo(FINAL);
        assertThat(OverloadVerdict.viewKeyOfFrame(snapshot, json)).isEqualTo(FINAL);
        assertThat(OverloadVerdict.viewKeyOfFrame(progress, json)).isEqualTo(FINAL);
        assertThat(OverloadVerdict.viewKeyOfFrame("not json", json)).isNull();
    }

    @Test
    void aStatusChangeAfterTheStreamsLastIdIsNotYetDeliveredNotMissingAndTheStaleViewFailsTheVerdict() {
        String behind = "13 run 1 RUNNING 20.0 [a=RUNNING/60/x;b=PENDING/0/null;]";
        OverloadVerdict.Verdict v = OverloadVerdict.judge(project(), List.of(stream(behind, 11, 12, 13)));

        assertThat(v.statusChangesMissing()).isZero();
        assertThat(v.statusChangesNotYetDelivered()).isEqualTo(1); // 15
        assertThat(v.mergedProgressEvents()).isZero();
        assertThat(v.passed()).isFalse();
    }
}
