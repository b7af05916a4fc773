package io.stepprogress.event;

/**
 * How long the rest of a run will likely take, learned from the durations its remaining steps took in finished
 * runs: the steps not finished yet, the running ones scaled by the progress they reported. Estimated when the view
 * was written (its {@code updatedAt}); a client counting down subtracts the time since then.
 *
 * @param p50   seconds, one decimal: the median of the remaining time over the runs learned from
 * @param p90   seconds, one decimal: 9 runs out of 10 needed at most this long for the same remaining work
 * @param basis how many finished runs the estimate is learned from (recent runs weigh more)
 */
public record Eta(double p50, double p90, int basis) {
}
