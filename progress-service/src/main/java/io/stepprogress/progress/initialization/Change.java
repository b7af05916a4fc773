package io.stepprogress.progress.initialization;

import io.stepprogress.event.ChangeKind;
import io.stepprogress.event.StepView;

/** What one accepted command changed: the kind and the step after it (null for plan-wide changes). */
public record Change(ChangeKind kind, StepView step) {
}
