package io.stepprogress.client;

import java.time.Duration;

/** How the client waits between attempts; replaced in tests. */
interface Sleeper {

    Sleeper SYSTEM = duration -> {
        if (!duration.isZero() && !duration.isNegative()) {
            Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
        }
    };

    void sleep(Duration duration) throws InterruptedException;
}
