package io.stepprogress.bench;

/** Latencies of requests due within [from, to) (System.nanoTime values), recorded apart: e.g. during an outage. */
public record DueWindowLatency(long fromNanos, long toNanos, Latency latency) {

    public boolean contains(long dueNanos) {
        return dueNanos >= fromNanos && dueNanos < toNanos;
    }
}
