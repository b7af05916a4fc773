package io.stepprogress.demo;

import java.time.Duration;

/** How the demo waits between updates; tests pass one that only records (and advances a fake clock). */
@FunctionalInterface
public interface Sleeper {

    Sleeper SYSTEM = duration -> {
        if (duration.isNegative() || duration.isZero()) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            return;
        }
        Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
    };

    void sleep(Duration duration) throws InterruptedException;
}
