package io.stepprogress.demo;

import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/** Project ids like {@code demo-otter-4821}: a word and a number that goes up with every run. Thread-safe. */
final class ProjectNames {

    private static final List<String> WORDS = List.of(
            "otter", "falcon", "maple", "comet", "harbor", "quartz", "willow", "ember", "lynx", "cedar",
            "nova", "pixel", "tundra", "orbit", "saffron", "glacier", "heron", "basalt", "juniper", "zephyr");

    private final AtomicLong counter;

    /** @param random picks where the numbering starts, so two workers rarely pick the same ids */
    ProjectNames(Random random) {
        this.counter = new AtomicLong(1000 + random.nextInt(9000));
    }

    String next(Random random) {
        return "demo-" + WORDS.get(random.nextInt(WORDS.size())) + "-" + counter.getAndIncrement();
    }
}
