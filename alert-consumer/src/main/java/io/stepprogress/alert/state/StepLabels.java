package io.stepprogress.alert.state;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import io.stepprogress.event.Ids;

/**
 * Bounds the values of the {@code step} label: step names come from plans, which anyone calling
 * progress-service may write, and every distinct value is a new time series in Prometheus. The first
 * {@code max} names seen keep their own value; later ones, and anything that is not a valid step name,
 * are exported as {@value #OTHER}.
 */
public final class StepLabels {

    public static final String OTHER = "other";

    /** The id rule of progress-service's API: only such names can come from a plan. */

    private final int max;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    public StepLabels(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0");
        }
        this.max = max;
    }

    public String of(String stepName) {
        if (!Ids.valid(stepName)) {
            return OTHER;
        }
        if (known.contains(stepName)) {
            return stepName;
        }
        synchronized (known) {
            if (known.size() < max) {
                known.add(stepName);
                return stepName;
            }
            return known.contains(stepName) ? stepName : OTHER;
        }
    }

    public int size() {
        return known.size();
    }
}
