package io.stepprogress.progress.overload;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * How far behind the relay is: the standing commit-to-Kafka delay ({@link StandingDelay}) of the events Kafka
 * acknowledged. The relay reports every acknowledgement here; the write path reads it.
 */
@Singleton
public class RelayBacklog {

    private final StandingDelay delay;

    @Inject
    RelayBacklog(OverloadConfig config) {
        this(config.window(), config.windowMinEvents(), config.measuredWithin());
    }

    public RelayBacklog(Duration window, int minEvents, Duration validFor) {
        this.delay = new StandingDelay(window, minEvents, validFor);
    }

    /** Kafka acknowledged an event that was committed {@code sinceCommit} ago. */
    public void acknowledged(Duration sinceCommit, long nowNanos) {
        delay.record(sinceCommit.toNanos(), nowNanos);
    }

    /**
     * The backlog in nanoseconds; 0 when Kafka acknowledged nothing for {@code measured-within}: the relay is idle, or
     * cannot publish (Kafka down), when the outbox is there to hold the writes, not to refuse them.
     */
    public long backlogNanos(long nowNanos) {
        return delay.current(nowNanos);
    }
}
