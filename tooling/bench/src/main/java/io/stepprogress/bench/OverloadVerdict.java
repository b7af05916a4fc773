package io.stepprogress.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether every subscriber came through an overload whole. A subscriber that falls behind may get
 * intermediate progress events merged (conflation: the frame carries the newest merged event's id and view), so
 * a missing progress id is accepted and counted; what is flagged is a status change (a step started, completed
 * or failed, the run ended) whose id was skipped (a later id arrived, it did not), an id that did not increase, and a stream whose
 * last frame is not its project's final view.
 */
public final class OverloadVerdict {

    /** What the writer knows of a project at the end: its final view (as {@link #viewKey}) and status changes. */
    public record ProjectTruth(int project, long finalSequence, String finalView, long[] statusChanges) {
    }

    /**
     * What one stream received: the snapshot's id (-1 when none came), its progress frames' ids in arrival
     * order, and the view of its last frame (as {@link #viewKey}; null when unreadable).
     */
    public record StreamRecord(int project, boolean open, long snapshotId, long[] progressIds, String lastView) {
    }

    /** The outcome, with a few examples of each problem for the report. */
    public record Verdict(int streams, int onFinalView, int closed, long statusChangesExpected,
                          long statusChangesMissing, long statusChangesNotYetDelivered, long mergedProgressEvents,
                          long idsNotIncreasing, List<String> examples) {

        public boolean passed() {
            return onFinalView == streams && closed == 0 && statusChangesMissing == 0 && idsNotIncreasing == 0;
        }
    }

    private static final int EXAMPLES = 10;

    private OverloadVerdict() {
    }

    public static Verdict judge(List<ProjectTruth> projects, List<StreamRecord> streams) {
        Map<Integer, ProjectTruth> byProject = new HashMap<>();
        projects.forEach(p -> byProject.put(p.project(), p));
        int onFinal = 0;
        int closed = 0;
        long expected = 0;
        long missing = 0;
        long notYet = 0;
        long merged = 0;
        long notIncreasing = 0;
        List<String> examples = new ArrayList<>();
        for (int s = 0; s < streams.size(); s++) {
            StreamRecord stream = streams.get(s);
            ProjectTruth truth = byProject.get(stream.project());
            if (truth == null) {
                continue;
            }
            if (!stream.open() && !truth.finalView().equals(stream.lastView())) {
                // A stream ends after its run's last frame; closed before it, it was cut off.
                closed++;
                example(examples, "stream " + s + " (project " + stream.project() + ") was closed before the final view");
            }
            long previous = stream.snapshotId();
            for (long id : stream.progressIds()) {
                if (id <= previous) {
                    notIncreasing++;
                    example(examples, "stream " + s + ": id " + id + " after " + previous);
                }
                previous = Math.max(previous, id);
            }
            long[] received = stream.progressIds().clone();
            Arrays.sort(received);
            long[] changes = truth.statusChanges().clone();
            Arrays.sort(changes);
            long lastReceived = received.length == 0 ? stream.snapshotId() : received[received.length - 1];
            for (long change : changes) {
                if (change <= stream.snapshotId()) {
                    continue; // before the stream opened: in its snapshot
                }
                expected++;
                if (change > lastReceived) {
                    notYet++; // the stream is behind (its final view is flagged); nothing was skipped yet
                } else if (Arrays.binarySearch(received, change) < 0) {
                    missing++;
                    example(examples, "stream " + s + " (project " + stream.project() + ") never got status change "
                            + change);
                }
            }
            for (long id = Math.max(0, stream.snapshotId()) + 1; id <= Math.min(lastReceived, truth.finalSequence()); id++) {
                if (Arrays.binarySearch(received, id) < 0 && Arrays.binarySearch(changes, id) < 0) {
                    merged++;
                }
            }
            if (truth.finalView().equals(stream.lastView())) {
                onFinal++;
            } else {
                example(examples, "stream " + s + " (project " + stream.project() + ") ended on "
                        + stream.lastView() + ", not on the final view " + truth.finalView());
            }
        }
        return new Verdict(streams.size(), onFinal, closed, expected, missing, notYet, merged, notIncreasing, examples);
    }

    private static void example(List<String> examples, String text) {
        if (examples.size() < EXAMPLES) {
            examples.add(text);
        }
    }

    /** What a subscriber must end on: the sequence, the run and its status and progress, every step. */
    public static String viewKey(InitializationView view) {
        StringBuilder key = new StringBuilder().append(view.sequence()).append(" run ").append(view.run()).append(' ')
                .append(view.status()).append(' ').append(view.progress()).append(" [");
        for (StepView step : view.steps()) {
            key.append(step.name()).append('=').append(step.status()).append('/').append(step.progress()).append('/')
                    .append(step.message()).append(';');
        }
        return key.append(']').toString();
    }

    /** The view of a frame's data: a progress event's {@code initialization}, or a snapshot's view itself. */
    public static String viewKeyOfFrame(String data, ObjectMapper json) {
        if (data == null || data.isEmpty()) {
            return null;
        }
        try {
            JsonNode node = json.readTree(data);
            JsonNode view = node.has("initialization") ? node.get("initialization") : node;
            return viewKey(json.treeToValue(view, InitializationView.class));
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
