package io.stepprogress.progress.relay;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.net.SocketFactory;

/**
 * pgjdbc's socket factory for the relay's connections (its socketFactory property): sockets on which pgjdbc's
 * "is a message waiting?" probe waits up to {@value #PROBE_WAIT_PROPERTY} milliseconds for one instead of 1.
 * <p>
 * Why: on a replication connection pgjdbc answers that probe with a read under a 1 ms socket timeout, every time
 * (PGStream.hasMessagePending after V3ReplicationProtocol sets its check delay to 0). Debezium's reader asks five
 * times, then sleeps poll.interval.ms. A quiet reader therefore spent its time in 1 ms reads that each end in a
 * SocketTimeoutException, ~35 µs of CPU apiece: ~0.025 cores of an idle stack. Waiting longer in that read costs one
 * such timeout per wait instead of per millisecond, and a record arriving meanwhile is read the moment it arrives,
 * where before it could also arrive during the sleep. The probe is the only read pgjdbc makes under a 1 ms timeout;
 * every other read keeps the timeout it was given.
 * <p>
 * The read holds the connection's lock while it waits, as the 1 ms read did: a status update that Debezium sends
 * from another thread (the flushed position, a keep-alive) waits at most that long per probe.
 * <p>
 * Once nothing has been read for {@link #QUIET_AFTER_NANOS a second}, the probe waits {@value #QUIET_PROBE_WAIT_PROPERTY}
 * instead: a record still ends the wait the moment it arrives, so only how often an idle reader wakes changes (at a
 * 5 ms wait, 5 probes and a 5 ms sleep: ~170 wake-ups a second, ~0.015 cores of a quiet stack on our 2-core machine).
 * The one thing a longer wait delays is a status update from another thread, the engine's offset commit among them;
 * when a record ends the wait, the next probe is short again, so a commit waiting then is held up no longer than by
 * the short wait.
 * <p>
 * A read that is one primary keepalive message and nothing else does not count as data. On a quiet stream the
 * server sends them every few seconds (on our stack one after each of Debezium's connection probes, every
 * status.update.interval.ms), and the reader answers a keepalive itself, so it never needs the short wait; counted
 * as data, each one kept an idle reader on the short wait for a second. On an encrypted connection the bytes read
 * here are TLS records, so every read counts, as before.
 */
public class ProbeWaitingSocketFactory extends SocketFactory {

    /** The connection property (handed on by Debezium from driver.*) with the probe's wait in milliseconds. */
    public static final String PROBE_WAIT_PROPERTY = "stepProgressProbeWaitMillis";
    /** The probe's wait in milliseconds once the connection has been quiet; absent, the same as the probe's wait. */
    public static final String QUIET_PROBE_WAIT_PROPERTY = "stepProgressQuietProbeWaitMillis";
    /** How long nothing must have been read before a probe waits the quiet wait. */
    static final long QUIET_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The timeout pgjdbc sets around its probe, and only there. */
    static final int PGJDBC_PROBE_TIMEOUT_MILLIS = 1;
    /**
     * A primary keepalive as it arrives: CopyData ('d'), its length (4 + 18), then 'k', the server's WAL end, its
     * clock and whether it asks for a reply.
     */
    static final int KEEPALIVE_BYTES = 1 + 4 + 1 + 8 + 8 + 1;

    private final int probeWaitMillis;
    private final int quietProbeWaitMillis;
    private final LongSupplier nanoClock;

    /** pgjdbc's constructor: the connection's properties. */
    public ProbeWaitingSocketFactory(Properties properties) {
        this(properties, System::nanoTime);
    }

    ProbeWaitingSocketFactory(Properties properties, LongSupplier nanoClock) {
        String probeWait = properties.getProperty(PROBE_WAIT_PROPERTY, "1");
        this.probeWaitMillis = atLeastOne(PROBE_WAIT_PROPERTY, probeWait);
        this.quietProbeWaitMillis = atLeastOne(QUIET_PROBE_WAIT_PROPERTY,
                properties.getProperty(QUIET_PROBE_WAIT_PROPERTY, probeWait));
        this.nanoClock = nanoClock;
    }

    private static int atLeastOne(String property, String millis) {
        int value = Integer.parseInt(millis);
        if (value < 1) {
            throw new IllegalArgumentException(property + " must be at least 1, not " + value);
        }
        return value;
    }

    @Override
    public Socket createSocket() {
        return new ProbeWaitingSocket(probeWaitMillis, quietProbeWaitMillis, nanoClock);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    private Socket connected(InetSocketAddress remote) throws IOException {
        Socket socket = createSocket();
        socket.connect(remote);
        return socket;
    }

    private Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        Socket socket = createSocket();
        socket.bind(local);
        socket.connect(remote);
        return socket;
    }

    /** Whether the bytes read are exactly one primary keepalive message (see the class comment). */
    static boolean isKeepaliveAlone(byte[] buffer, int offset, int read) {
        return read == KEEPALIVE_BYTES && buffer[offset] == 'd' && buffer[offset + 5] == 'k'
                && ByteBuffer.wrap(buffer, offset + 1, 4).getInt() == KEEPALIVE_BYTES - 1;
    }

    /**
     * A plain socket whose reads under pgjdbc's 1 ms probe timeout wait {@code probeWaitMillis} instead, or
     * {@code quietProbeWaitMillis} once nothing has been read for a second.
     */
    static final class ProbeWaitingSocket extends Socket {

        private final int probeWaitMillis;
        private final int quietProbeWaitMillis;
        private final LongSupplier nanoClock;
        /** When a read last returned data other than a lone keepalive; one thread reads at a time (pgjdbc's lock). */
        private volatile long lastDataNanos;
        private InputStream input;

        ProbeWaitingSocket(int probeWaitMillis, int quietProbeWaitMillis, LongSupplier nanoClock) {
            this.probeWaitMillis = probeWaitMillis;
            this.quietProbeWaitMillis = quietProbeWaitMillis;
            this.nanoClock = nanoClock;
            this.lastDataNanos = nanoClock.getAsLong();
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (input == null) {
                input = new ProbeWaitingInput(super.getInputStream());
            }
            return input;
        }

        /** Widens pgjdbc's probe timeout, and no other, to the wait; returns whether it did. */
        private boolean widenProbe() throws IOException {
            if (getSoTimeout() != PGJDBC_PROBE_TIMEOUT_MILLIS) {
                return false;
            }
            boolean quiet = nanoClock.getAsLong() - lastDataNanos >= QUIET_AFTER_NANOS;
            setSoTimeout(quiet ? quietProbeWaitMillis : probeWaitMillis);
            return true;
        }

        /** After the constructor the one writer of {@link #lastDataNanos}: a read returned more than a keepalive. */
        private void dataArrived() {
            lastDataNanos = nanoClock.getAsLong();
        }

        /** Puts pgjdbc's timeout back after a widened read, as pgjdbc left it. */
        private void narrowProbe(boolean widened) throws IOException {
            if (widened) {
                setSoTimeout(PGJDBC_PROBE_TIMEOUT_MILLIS);
            }
        }

        private final class ProbeWaitingInput extends FilterInputStream {

            ProbeWaitingInput(InputStream in) {
                super(in);
            }

            @Override
            public int read() throws IOException {
                boolean widened = widenProbe();
                try {
                    int read = in.read();
                    if (read >= 0) {
                        dataArrived();
                    }
                    return read;
                } finally {
                    narrowProbe(widened);
                }
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                boolean widened = widenProbe();
                try {
                    int read = in.read(buffer, offset, length);
                    if (read > 0 && !isKeepaliveAlone(buffer, offset, read)) {
                        dataArrived();
                    }
                    return read;
                } finally {
                    narrowProbe(widened);
                }
            }
        }
    }
}
