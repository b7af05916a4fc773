package io.stepprogress.progress.eta;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How estimates learn from finished runs ({@code progress.eta.*}). */
@ConfigMapping(prefix = "progress.eta")
public interface EtaConfig {

    /** Finished runs kept per step name: older ones are forgotten, so the statistics stay bounded. */
    @WithDefault("50")
    int window();

    /**
     * Weight of a run relative to the next more recent one (0 < decay <= 1): 0.9 halves a run's say after about
     * 7 newer runs, so a step that got slower or faster is followed within a handful of runs.
     */
    @WithDefault("0.9")
    double decay();

    /**
     * How long a step's statistics are reused without reading them again. This instance refreshes them as soon as
     * it learns from a run; runs finished by another instance reach its estimates within this time.
     */
    @WithDefault("30s")
    Duration cacheTtl();
}
