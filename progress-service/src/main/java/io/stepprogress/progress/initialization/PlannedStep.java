package io.stepprogress.progress.initialization;

/** One step of a plan before it runs: what the caller asked for, already validated. */
public record PlannedStep(String name, String label, int weight) {
}
