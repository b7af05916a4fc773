package io.stepprogress.progress.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.stepprogress.infra.InfrastructureTestResource;
import io.stepprogress.progress.support.ProgressTopicTail;
import io.stepprogress.testkit.TestTokens;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A service started on a database where the relay never ran: the replication slot does not exist yet. Every write
 * acknowledged from the first moment the port answers must reach Kafka, which holds only if the slot existed
 * before the first write committed (an event committed before the slot is decoded by nothing, and its outbox row
 * is already deleted). The writes start before the service does, knocking until the port opens, as a busy host's
 * workers would during a deploy.
 */
@QuarkusTest
@TestProfile(FirstWritesOnAFreshDatabaseTest.FreshDatabase.class)
class FirstWritesOnAFreshDatabaseTest {

    /** A database (and so a slot name: slots are per server) nobody used before this JVM started. */
    public static class FreshDatabase implements QuarkusTestProfile {

        static final String NAME = "progress_fresh_" + UUID.randomUUID().toString().substring(0, 8);

        @Override
        public boolean disableGlobalTestResources() {
            return true; // the shared "progress" database, whose slot exists already, is not what is tested
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(InfrastructureTestResource.class, Map.of(
                    InfrastructureTestResource.DATABASE_ARG, NAME,
                    InfrastructureTestResource.APP_ROLE_ARG, "progress_app",
                    InfrastructureTestResource.RELAY_ROLE_ARG, "progress_relay")),
                    new TestResourceEntry(EarlyWriter.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("progress.relay.slot-name", NAME);
        }
    }

    /**
     * Started before the service: picks its HTTP port, then, on its own thread, knocks until the port answers and
     * writes in a tight loop from the first answer on. Only 201s count as acknowledged.
     */
    public static class EarlyWriter implements QuarkusTestResourceLifecycleManager {

        // Test resources and the test may be loaded by different class loaders: the result travels as a system
        // property (a String: other libraries read every system property as one), not in this class's statics.
        static final String RESULT = EarlyWriter.class.getName() + ".acknowledged";
        private static final int WRITES = 300;
        private static final Duration DEADLINE = Duration.ofMinutes(3);

        @Override
        public Map<String, String> start() {
            int port = freePort();
            String token = TestTokens.worker();
            Thread writer = new Thread(() -> write(port, token), "early-writer");
            writer.setDaemon(true);
            writer.start();
            return Map.of("quarkus.http.test-port", Integer.toString(port));
        }

        private static void write(int port, String token) {
            List<String> acknowledged = new ArrayList<>();
            String result;
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            try {
                int sent = 0;
                while (sent < WRITES && System.nanoTime() < deadline) {
                    String project = "fresh-" + UUID.randomUUID().toString().substring(0, 13);
                    HttpRequest put = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/projects/"
                                    + project + "/initialization"))
                            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(
                                    "{\"steps\":[{\"name\":\"a\",\"label\":\"A\",\"weight\":1}]}"))
                            .timeout(Duration.ofSeconds(30)).build();
                    HttpResponse<String> response;
                    try {
                        response = http.send(put, HttpResponse.BodyHandlers.ofString());
                    } catch (IOException notYetListening) {
                        if (sent == 0) {
                            // Polling the port, not waiting for an event: a few ms keeps both cores for the boot.
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                            continue;
                        }
                        throw notYetListening;
                    }
                    sent++;
                    if (response.statusCode() == 201) {
                        acknowledged.add(project);
                    }
                }
                result = String.join(",", acknowledged);
            } catch (Throwable e) {
                result = "failed: " + e;
            }
            System.setProperty(RESULT, result);
        }

        private static int freePort() {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new IllegalStateException("no free port", e);
            }
        }

        @Override
        public void stop() {
        }
    }

    private final ProgressTopicTail tail = ProgressTopicTail.shared();

    @Test
    void everyWriteAcknowledgedFromTheFirstMomentReachesKafka() {
        String result = await().atMost(Duration.ofMinutes(3)).until(() -> System.getProperty(EarlyWriter.RESULT),
                value -> value != null);
        assertThat(result).doesNotStartWith("failed").isNotEmpty();
        List<String> acknowledged = List.of(result.split(","));

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(acknowledged.stream().filter(p -> !tail.hasSequence(p, 1)).count())
                        .as("of %d acknowledged writes, those whose event never reached Kafka", acknowledged.size())
                        .isZero());
        System.out.printf("FRESH DATABASE: %d writes acknowledged from the moment the port opened, all relayed%n",
                acknowledged.size());
    }
}
