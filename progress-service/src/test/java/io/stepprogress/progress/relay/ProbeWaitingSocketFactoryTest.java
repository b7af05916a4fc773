package io.stepprogress.progress.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProbeWaitingSocketFactoryTest {

    private ServerSocket server;
    private Socket client;
    private Socket accepted;

    @BeforeEach
    void connect() throws Exception {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Properties properties = new Properties();
        properties.setProperty(ProbeWaitingSocketFactory.PROBE_WAIT_PROPERTY, "60000");
        client = new ProbeWaitingSocketFactory(properties).createSocket(InetAddress.getLoopbackAddress(),
                server.getLocalPort());
        accepted = server.accept();
    }

    @AfterEach
    void close() throws Exception {
        client.close();
        accepted.close();
        server.close();
    }

    @Test
    void pgjdbcsOneMillisecondProbeWaitsForTheMessageAndKeepsItsTimeout() throws Exception {
        client.setSoTimeout(ProbeWaitingSocketFactory.PGJDBC_PROBE_TIMEOUT_MILLIS);
        CompletableFuture<Integer> probe = probe(client);

        // A plain socket's read would have ended in a SocketTimeoutException after 1 ms.
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !probe.isDone());
        accepted.getOutputStream().write(new byte[] {1, 2, 3});
        accepted.getOutputStream().flush();

        assertThat(probe.get()).isEqualTo(3);
        assertThat(client.getSoTimeout()).as("the timeout pgjdbc set, for it to restore").isEqualTo(1);
    }

    @Test
    void anyOtherReadKeepsItsOwnTimeout() throws Exception {
        client.setSoTimeout(20);

        // Within the test's patience, far under the 60 s a probe would wait.
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(
                () -> client.getInputStream().read(new byte[8], 0, 8)).isInstanceOf(SocketTimeoutException.class));
        assertThat(client.getSoTimeout()).isEqualTo(20);
    }

    @Test
    void aProbeWithNothingToReadEndsAsPgjdbcExpectsAfterTheWait() throws Exception {
        Properties properties = new Properties();
        properties.setProperty(ProbeWaitingSocketFactory.PROBE_WAIT_PROPERTY, "50");
        Socket quick = new ProbeWaitingSocketFactory(properties).createSocket();
        quick.connect(server.getLocalSocketAddress());
        try (quick; Socket ignored = server.accept()) {
            quick.setSoTimeout(ProbeWaitingSocketFactory.PGJDBC_PROBE_TIMEOUT_MILLIS);

            assertThatThrownBy(() -> quick.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(quick.getSoTimeout()).isEqualTo(1);
        }
    }

    @Test
    void aProbeWaitsTheQuietWaitOnceNothingWasReadForASecondAndTheShortWaitOnceDataArrives() throws Exception {
        AtomicLong now = new AtomicLong();
        Socket reader = probingReader(now);
        try (reader; Socket peer = server.accept()) {

            assertThat(waitOfAProbeAnsweredBy(reader, peer)).as("a new connection").isEqualTo(50000);
            now.addAndGet(ProbeWaitingSocketFactory.QUIET_AFTER_NANOS - 1);
            assertThat(waitOfAProbeAnsweredBy(reader, peer)).as("data a moment under a second ago").isEqualTo(50000);
            now.addAndGet(ProbeWaitingSocketFactory.QUIET_AFTER_NANOS);
            assertThat(waitOfAProbeAnsweredBy(reader, peer)).as("nothing read for a second").isEqualTo(60000);
            assertThat(waitOfAProbeAnsweredBy(reader, peer)).as("the quiet probe's answer was data").isEqualTo(50000);
        }
    }

    @Test
    void aKeepaliveAloneLeavesAQuietStreamQuietAndAnyOtherMessageEndsTheQuiet() throws Exception {
        AtomicLong now = new AtomicLong();
        Socket reader = probingReader(now);
        try (reader; Socket peer = server.accept()) {
            now.addAndGet(ProbeWaitingSocketFactory.QUIET_AFTER_NANOS);

            assertThat(waitOfAProbeAnsweredBy(reader, peer, keepalive())).as("quiet; answered by a keepalive")
                    .isEqualTo(60000);
            assertThat(waitOfAProbeAnsweredBy(reader, peer, keepalive())).as("after a keepalive, still quiet")
                    .isEqualTo(60000);
            byte[] walData = keepalive();
            walData[5] = 'w';
            assertThat(waitOfAProbeAnsweredBy(reader, peer, walData)).as("still quiet; answered by WAL data")
                    .isEqualTo(60000);
            assertThat(waitOfAProbeAnsweredBy(reader, peer, keepalive())).as("after WAL data").isEqualTo(50000);
        }
    }

    @Test
    void onlyExactlyOneKeepaliveMessageIsAKeepalive() {
        byte[] keepalive = keepalive();
        assertThat(ProbeWaitingSocketFactory.isKeepaliveAlone(keepalive, 0, keepalive.length)).isTrue();
        assertThat(ProbeWaitingSocketFactory.isKeepaliveAlone(keepalive, 0, keepalive.length - 1))
                .as("a part of one").isFalse();
        byte[] twoMessages = new byte[keepalive.length * 2];
        System.arraycopy(keepalive, 0, twoMessages, 0, keepalive.length);
        System.arraycopy(keepalive, 0, twoMessages, keepalive.length, keepalive.length);
        assertThat(ProbeWaitingSocketFactory.isKeepaliveAlone(twoMessages, 0, twoMessages.length))
                .as("a keepalive with another message").isFalse();
        assertThat(ProbeWaitingSocketFactory.isKeepaliveAlone(twoMessages, keepalive.length, keepalive.length))
                .as("at an offset").isTrue();
        byte[] otherLength = keepalive();
        otherLength[4]++;
        assertThat(ProbeWaitingSocketFactory.isKeepaliveAlone(otherLength, 0, otherLength.length))
                .as("a length other than a keepalive's").isFalse();
    }

    /** A connected socket on the given clock whose probe waits 50 s, or 60 s once quiet; pgjdbc's probe timeout set. */
    private Socket probingReader(AtomicLong now) throws Exception {
        Properties properties = new Properties();
        properties.setProperty(ProbeWaitingSocketFactory.PROBE_WAIT_PROPERTY, "50000");
        properties.setProperty(ProbeWaitingSocketFactory.QUIET_PROBE_WAIT_PROPERTY, "60000");
        Socket reader = new ProbeWaitingSocketFactory(properties, now::get).createSocket();
        reader.connect(server.getLocalSocketAddress());
        reader.setSoTimeout(ProbeWaitingSocketFactory.PGJDBC_PROBE_TIMEOUT_MILLIS);
        return reader;
    }

    /** A primary keepalive message as PostgreSQL sends it on a replication connection: CopyData wrapping 'k'. */
    private static byte[] keepalive() {
        return ByteBuffer.allocate(ProbeWaitingSocketFactory.KEEPALIVE_BYTES).put((byte) 'd')
                .putInt(ProbeWaitingSocketFactory.KEEPALIVE_BYTES - 1)
                .put((byte) 'k').putLong(0x16A73E98L).putLong(System.nanoTime()).put((byte) 0).array();
    }

    /** A read of up to 8 bytes on another thread, as pgjdbc's probe makes it: how many bytes it read. */
    private static CompletableFuture<Integer> probe(Socket socket) throws Exception {
        InputStream input = socket.getInputStream();
        return CompletableFuture.supplyAsync(() -> {
            try {
                return input.read(new byte[8], 0, 8);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Starts a probe, reads the wait it was given while it waits, answers it with a byte; returns the wait. */
    private static int waitOfAProbeAnsweredBy(Socket reader, Socket peer) throws Exception {
        return waitOfAProbeAnsweredBy(reader, peer, new byte[] {7});
    }

    /** The same, answered with the given bytes in one write, read with pgjdbc's 8 KiB buffer. */
    private static int waitOfAProbeAnsweredBy(Socket reader, Socket peer, byte[] answer) throws Exception {
        InputStream input = reader.getInputStream();
        CompletableFuture<Integer> probe = CompletableFuture.supplyAsync(() -> {
            try {
                return input.read(new byte[8192], 0, 8192);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        int[] wait = new int[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            wait[0] = reader.getSoTimeout();
            return wait[0] != ProbeWaitingSocketFactory.PGJDBC_PROBE_TIMEOUT_MILLIS;
        });
        peer.getOutputStream().write(answer);
        peer.getOutputStream().flush();
        assertThat(probe.get(10, TimeUnit.SECONDS)).isEqualTo(answer.length);
        assertThat(reader.getSoTimeout()).as("pgjdbc's timeout restored").isEqualTo(1);
        return wait[0];
    }

    @Test
    void aWaitUnderOneMillisecondIsRefused() {
        Properties properties = new Properties();
        properties.setProperty(ProbeWaitingSocketFactory.PROBE_WAIT_PROPERTY, "0");

        assertThatThrownBy(() -> new ProbeWaitingSocketFactory(properties))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ProbeWaitingSocketFactory.PROBE_WAIT_PROPERTY);
        properties.setProperty(ProbeWaitingSocketFactory.PROBE_WAIT_PROPERTY, "5");
        properties.setProperty(ProbeWaitingSocketFactory.QUIET_PROBE_WAIT_PROPERTY, "0");
        assertThatThrownBy(() -> new ProbeWaitingSocketFactory(properties))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ProbeWaitingSocketFactory.QUIET_PROBE_WAIT_PROPERTY);
    }
}
