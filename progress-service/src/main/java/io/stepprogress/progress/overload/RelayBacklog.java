package io.stepprogress.progress.overload;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * How far behind the relay is: the standing commit-to-Kafka delay ({@link StandingDelay}) of the events Kafka
 * acknowledged. The relay reports every acknowledgement here; the write path reads it.
 */
@Singleton
public class RelayBacklog {

    private final StandingDelay delay;

    @Inject
    RelayBacklog(OverloadConfig config) {
        this(config.window(), config.windowMinEvents());
    }

    public RelayBacklog(Duration window, int minEvents) {
        this.delay = new StandingDelay(window, minEvents);
    }

    /** Kafka acknowledged an event that was committed {@code sinceCommit} ago. */
    public void acknowledged(Duration sinceCommit, long nowNanos) {
        delay.record(sinceCommit.toNanos(), nowNanos);
    }

    /**
     * The backlog; empty when Kafka acknowledged nothing for {@code validFor}: the relay is idle, or cannot publish
     * (Kafka down), when the outbox is there to hold the writes, not to refuse them.
     */
    public OptionalLong backlogNanos(long nowNanos, Duration validFor) {
        return delay.current(nowNanos, validFor);
    }
}
