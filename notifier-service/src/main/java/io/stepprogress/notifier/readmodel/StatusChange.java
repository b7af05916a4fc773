package io.stepprogress.notifier.readmodel;

import io.stepprogress.event.ChangeKind;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.event.StepView;
import java.util.List;

/**
 * Whether an event changed a status: the run's (started, restarted, finished) or a step's (started, completed,
 * failed). Only events that did not may be merged into a later one for a subscriber that is behind.
 */
final class StatusChange {

    private StatusChange() {
    }

    /**
     * @param before the view just before the event; null when unknown (first event, after a gap or a seed), in
     *               which case the event counts as a status change
     */
    static boolean between(InitializationView before, StepProgressUpdated event) {
        if (before == null || event.change() != ChangeKind.PROGRESSED) {
            return true; // initialized, completed, failed, cancelled: a status change by definition
        }
        InitializationView after = event.initialization();
        if (before.status() != after.status() || before.run() != after.run()
                || before.sequence() + 1 != event.sequence()) {
            return true;
        }
        List<StepView> was = before.steps();
        List<StepView> is = after.steps();
        if (was.size() != is.size()) {
            return true;
        }
        for (int i = 0; i < was.size(); i++) {
            if (was.get(i).status() != is.get(i).status() || !was.get(i).name().equals(is.get(i).name())) {
                return true;
            }
        }
        return false;
    }
}
