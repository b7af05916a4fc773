package io.stepprogress.demo;

import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How well the views' {@code eta} predicted when completed runs really finished. Times are the server's: an
 * estimate is as of its view's {@code updatedAt}, the truth is the run's {@code finishedAt} minus that.
 * For comparison, the naive forecast from the overall progress alone: elapsed x (100 - progress) / progress.
 */
final class EtaAccuracy {

    /** The figures at one point of progress (or over every update, {@code mark} NaN). */
    record Mark(double mark, int estimated, int withoutEstimate, double medianAbsError, double medianLeft,
                double insideP90, double linearMedianAbsError) {

        String line() {
            String where = Double.isNaN(mark) ? "every update" : String.format(Locale.ROOT, "at %3.0f %%", mark);
            if (estimated == 0) {
                return String.format(Locale.ROOT, "%-13s no estimate (%d run(s) without one)", where, withoutEstimate);
            }
            return String.format(Locale.ROOT, "%-13s n=%-4d median |p50 - actual| %5.1f s (actual left: median %5.1f s)"
                            + "   finish within p90: %5.1f %%   linear forecast's median error %5.1f s%s",
                    where, estimated, medianAbsError, medianLeft, insideP90 * 100, linearMedianAbsError,
                    withoutEstimate == 0 ? "" : "   (" + withoutEstimate + " without an estimate)");
        }
    }

    private EtaAccuracy() {
    }

    /**
     * @param runs the views of each run in the order they were answered; runs that did not complete are skipped
     * @param mark overall progress in percent: the first view of a run at or past it is judged
     */
    static Mark at(List<List<InitializationView>> runs, double mark) {
        List<InitializationView> judged = new ArrayList<>();
        List<Instant> finishes = new ArrayList<>();
        for (List<InitializationView> run : runs) {
            Instant finish = finish(run);
            if (finish == null) {
                continue;
            }
            run.stream().filter(v -> !v.status().finished() && v.progress() >= mark).findFirst().ifPresent(v -> {
                judged.add(v);
                finishes.add(finish);
            });
        }
        return judge(mark, judged, finishes);
    }

    /** Every view of a completed run that was still in progress. */
    static Mark everyUpdate(List<List<InitializationView>> runs) {
        List<InitializationView> judged = new ArrayList<>();
        List<Instant> finishes = new ArrayList<>();
        for (List<InitializationView> run : runs) {
            Instant finish = finish(run);
            if (finish != null) {
                run.stream().filter(v -> !v.status().finished()).forEach(v -> {
                    judged.add(v);
                    finishes.add(finish);
                });
            }
        }
        return judge(Double.NaN, judged, finishes);
    }

    private static Instant finish(List<InitializationView> run) {
        if (run.isEmpty()) {
            return null;
        }
        InitializationView last = run.get(run.size() - 1);
        return last.status() == InitializationStatus.COMPLETED ? last.finishedAt() : null;
    }

    private static Mark judge(double mark, List<InitializationView> views, List<Instant> finishes) {
        List<Double> errors = new ArrayList<>();
        List<Double> lefts = new ArrayList<>();
        List<Double> linearErrors = new ArrayList<>();
        int inside = 0;
        int without = 0;
        for (int i = 0; i < views.size(); i++) {
            InitializationView view = views.get(i);
            if (view.eta() == null) {
                without++;
                continue;
            }
            double left = seconds(view.updatedAt(), finishes.get(i));
            errors.add(Math.abs(view.eta().p50() - left));
            lefts.add(left);
            if (left <= view.eta().p90()) {
                inside++;
            }
            if (view.progress() > 0) {
                double elapsed = seconds(view.startedAt(), view.updatedAt());
                linearErrors.add(Math.abs(elapsed * (100 - view.progress()) / view.progress() - left));
            }
        }
        return new Mark(mark, errors.size(), without, median(errors), median(lefts),
                errors.isEmpty() ? Double.NaN : (double) inside / errors.size(), median(linearErrors));
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }
}
