package io.stepprogress.alert.support;

import io.stepprogress.testkit.Management;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

public final class Ready {

    private Ready() {
    }

    /** Until readiness is UP: the group consumer has its partitions and their history is in memory. */
    public static void waitUntilReady() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> Management.given().get("/q/health/ready").statusCode() == 200);
    }
}
