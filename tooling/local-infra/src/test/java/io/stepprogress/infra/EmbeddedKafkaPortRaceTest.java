package io.stepprogress.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;

/**
 * A port picked as free may be taken by another process before the broker binds it (seen once in CI, with test
 * JVMs of several modules starting brokers side by side): the broker then starts again on other ports.
 */
class EmbeddedKafkaPortRaceTest {

    @Test
    void aPickedPortTakenBeforeTheBrokerBindsItIsReplacedByAnother() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Deque<Integer> racedPicks = new ArrayDeque<>(List.of(taken.getLocalPort()));
            AtomicInteger picks = new AtomicInteger();
            IntSupplier ports = () -> {
                picks.incrementAndGet();
                return racedPicks.isEmpty() ? FreePorts.find() : racedPicks.pop();
            };

            try (EmbeddedKafkaServer kafka = EmbeddedKafkaServer.builder().freePorts(ports).start();
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                assertThat(kafka.bootstrapServers()).isNotEqualTo("127.0.0.1:" + taken.getLocalPort());
                assertThat(picks.get()).as("two ports for the failed start, two for the next").isEqualTo(4);
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                        .extracting(Node::port).containsExactly(Integer.parseInt(kafka.bootstrapServers().split(":")[1]));
            }
        }
    }

    @Test
    void aGivenPortThatIsTakenIsNotReplacedAndTheErrorSaysWhy() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicInteger picks = new AtomicInteger();
            IntSupplier ports = () -> {
                picks.incrementAndGet();
                return FreePorts.find();
            };
            // As in the local stack: the client port given, the controller port picked.
            assertThatThrownBy(() -> EmbeddedKafkaServer.builder().freePorts(ports).port(taken.getLocalPort())
                    .start().close())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Address already in use");
            assertThat(picks.get()).as("one start: no other try can free a given port").isEqualTo(1);
        }
    }
}
