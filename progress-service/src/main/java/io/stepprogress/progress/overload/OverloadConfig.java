package io.stepprogress.progress.overload;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Load shedding ({@code progress.overload.*}): when too many progress updates are in flight, the relay falls behind
 * or updates queue up, a share of progress updates is refused with 503 and {@code Retry-After}, so the updates that
 * are accepted are answered quickly and still reach browsers in time. Status changes (start, complete, fail, cancel)
 * are never shed. The two delays are standing delays ({@link StandingDelay}): the quickest of a window, not a single
 * slow one.
 */
@ConfigMapping(prefix = "progress.overload")
public interface OverloadConfig {

    /** Shed progress updates under overload (false: accept every write, however late its answer and its event). */
    @WithDefault("true")
    boolean enabled();

    /**
     * The relay's standing commit-to-Kafka delay above which progress updates start to be shed. At a steady 500
     * updates/s on two cores the slowest single event took 134 ms; the quickest of any 100 ms, a few.
     */
    @WithDefault("100ms")
    Duration relayShedAbove();

    /** The relay's standing delay from which every progress update is shed; in between, a share that grows with it. */
    @WithDefault("500ms")
    Duration relayShedAllAbove();

    /**
     * The write path's standing delay (a progress update from its arrival to its answer) above which updates start
     * to be shed: requests queueing for the cores or the database. At a steady 500 updates/s a write takes ~2 ms.
     */
    @WithDefault("20ms")
    Duration writeShedAbove();

    /** The write path's standing delay from which every progress update is shed. */
    @WithDefault("100ms")
    Duration writeShedAllAbove();

    /**
     * Progress updates in progress at once (arrived, not yet answered) beyond which the next one is shed at once: a
     * backstop for a burst faster than the standing delays can see. Updates no longer hold a connection while they
     * wait (they queue for the group commit and are answered from the event loop), so the bound is time, not the
     * pool: 128 is about the write path's top rate on two cores (~1,300 updates/s with the whole stack busy) times
     * {@code write-shed-all-above} (100 ms). At 32, a 40 ms stall at 800 updates/s (write p99 49.9 ms there) shed an
     * update that would have been answered in time.
     */
    @WithDefault("128")
    int maxConcurrentUpdates();

    /** The window whose quickest delay is a standing delay. */
    @WithDefault("100ms")
    Duration window();

    /** Samples a window needs for its quickest delay to count (fewer: the load is light, nothing is standing). */
    @WithDefault("10")
    int windowMinEvents();

    /**
     * How long a standing delay last measured counts. Kafka acknowledging nothing for longer means an idle relay,
     * or Kafka down: then the relay's delay sheds nothing, because holding writes while Kafka is away is the
     * outbox's job.
     */
    @WithDefault("1s")
    Duration measuredWithin();

    /** The {@code Retry-After} a shed update is answered with. */
    @WithDefault("1s")
    Duration retryAfter();
}
