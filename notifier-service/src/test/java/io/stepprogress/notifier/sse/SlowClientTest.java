package io.stepprogress.notifier.sse;

import static io.restassured.RestAssured.given;
import static io.stepprogress.testkit.EventPublisher.publishAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.notifier.support.Subscribers;
import io.stepprogress.testkit.Events;
import io.stepprogress.testkit.PrometheusMetrics;
import io.stepprogress.testkit.SseClient;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A client that connects and never reads must not hold back anyone else: its bounded queue overflows, it is
 * disconnected and counted, while a reading client receives every event.
 */
@QuarkusTest
class SlowClientTest {

    @TestHTTPResource("/")
    URL base;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @Test
    void aClientThatNeverReadsIsDroppedWithoutDelayingOthers() throws Exception {
        String[] steps = IntStream.range(0, 40).mapToObj(i -> "step-with-a-long-name-" + i).toArray(String[]::new);
        Events.Run run = Events.plan("slow-" + UUID.randomUUID().toString().substring(0, 8), steps);
        publishAll(List.of(run.initialized()));
        double droppedBefore = droppedSlowClients();

        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress(base.getHost(), base.getPort()));
            OutputStream out = stalled.getOutputStream();
            out.write(("GET /api/projects/" + run.projectId() + "/events HTTP/1.1\r\nHost: localhost\r\n"
                    + "Accept: text/event-stream\r\nAuthorization: " + Subscribers.authorization() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();

            try (SseClient fast = Subscribers.stream(URI.create(base + "api/projects/" + run.projectId() + "/events"))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> fast.frames().size() == 1);
                List<StepProgressUpdated> burst = new ArrayList<>();
                for (int p = 1; p <= 100; p++) {
                    for (int s = 0; s < 15; s++) {
                        burst.add(run.progress(steps[s], p));
                    }
                }
                long started = System.nanoTime();
                publishAll(burst);

                await().atMost(Duration.ofSeconds(60)).until(() -> fast.frames("progress").size() == burst.size());
                System.out.printf("SLOW-CLIENT fast client got %d events (%d KiB each) in %d ms%n", burst.size(),
                        fast.frames("progress").get(0).data().length() / 1024,
                        (System.nanoTime() - started) / 1_000_000);
                await().atMost(Duration.ofSeconds(30)).until(() -> droppedSlowClients() > droppedBefore);
            }
            // The stalled connection was closed by the server: once its buffered bytes are read, EOF.
            stalled.setSoTimeout(10_000);
            InputStream in = stalled.getInputStream();
            byte[] buffer = new byte[65536];
            long total = 0;
            int read;
            while ((read = in.read(buffer)) >= 0) {
                total += read;
            }
            assertThat(read).isEqualTo(-1);
            assertThat(total).isPositive();
        }
    }

    private double droppedSlowClients() {
        return PrometheusMetrics.parse(given().get(metrics).then().statusCode(200).extract().asString())
                .value("notifier_sse_slow_clients_dropped_total");
    }
}
