package io.stepprogress.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * SSE subscribers on non-blocking sockets: a few selector threads hold thousands of project streams, parse
 * them with {@link SseStreamParser} and match each {@code progress} frame's id (the project's sequence) with
 * the time its update was due ({@link BenchProjects}): that is the end-to-end latency. Connections open at
 * most {@code maxConnecting} at a time; the time from connect to the response headers is the connect time.
 */
public final class SseSubscribers implements AutoCloseable {

    /** One stream to open: which project, with which bearer token (null for none). */
    public record Target(int project, String token) {
    }

    /** Where measurements go; swapped between ramp steps. */
    public static final class Sink {
        final Latency endToEnd;
        final Latency endToEndFromSend;
        final long measureFromNanos;
        final LongAdder frames = new LongAdder();
        final LongAdder unmatched = new LongAdder();
        volatile DueWindowLatency band;
        /** Delivery lag (the update's 200 at the writer → its frame here) of updates due within each band. */
        volatile DueWindowLatency[] deliveryBands = new DueWindowLatency[0];

        public Sink(Latency endToEnd, Latency endToEndFromSend, long measureFromNanos) {
            this.endToEnd = endToEnd;
            this.endToEndFromSend = endToEndFromSend;
            this.measureFromNanos = measureFromNanos;
        }

        public long frames() {
            return frames.sum();
        }

        public long unmatched() {
            return unmatched.sum();
        }
    }

    private static final int MAX_THREADS = 2;

    private final InetSocketAddress address;
    private final String hostHeader;
    private final String pathPrefix;
    private final BenchProjects projects;
    private final Latency connect;
    private final Latency firstFrame;
    private final List<Connection> connections = new ArrayList<>();
    private final Loop[] loops;
    private final int maxConnectingPerLoop;
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger closedByServer = new AtomicInteger();
    private final LongAdder gaps = new LongAdder();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private volatile Sink sink;
    private volatile boolean stopping;
    private boolean track;

    /**
     * @param notifier  host and port of the notifier
     * @param basePath  the notifier URL's path prefix ("" normally)
     */
    public SseSubscribers(InetSocketAddress notifier, String basePath, BenchProjects projects, Latency connect,
                          Latency firstFrame, Sink sink, int maxConnecting) {
        this.address = notifier;
        this.hostHeader = notifier.getHostString() + ":" + notifier.getPort();
        this.pathPrefix = basePath == null ? "" : basePath.replaceAll("/$", "");
        this.projects = projects;
        this.connect = connect;
        this.firstFrame = firstFrame;
        this.sink = sink;
        int threads = Math.max(1, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()));
        this.loops = new Loop[threads];
        this.maxConnectingPerLoop = Math.max(1, maxConnecting / threads);
        for (int i = 0; i < threads; i++) {
            loops[i] = new Loop(i);
        }
        for (Loop loop : loops) {
            loop.thread.start();
        }
    }

    public void sink(Sink sink) {
        this.sink = sink;
    }

    /**
     * Keeps, for every stream opened from now on, the ids of its progress frames in arrival order and the
     * view of its last frame, for {@link OverloadVerdict} (a few bytes per frame: for the overload's streams,
     * not for a fan-out's thousands).
     */
    public SseSubscribers track() {
        this.track = true;
        return this;
    }

    /** What each tracked stream received, for {@link OverloadVerdict#judge}. */
    public List<OverloadVerdict.StreamRecord> records(com.fasterxml.jackson.databind.ObjectMapper json) {
        List<OverloadVerdict.StreamRecord> records = new ArrayList<>();
        for (Connection c : snapshot()) {
            if (c.received == null) {
                continue;
            }
            long[] ids;
            String lastData;
            synchronized (c) {
                ids = java.util.Arrays.copyOf(c.received, c.receivedCount);
                lastData = c.lastData;
            }
            records.add(new OverloadVerdict.StreamRecord(c.project, c.streaming && !c.closed, c.firstId, ids,
                    OverloadVerdict.viewKeyOfFrame(lastData, json)));
        }
        return records;
    }

    /** Queues the streams; they open in the background, at most maxConnecting at once. */
    public void open(List<Target> targets) {
        int i = 0;
        for (Target target : targets) {
            Connection c = new Connection(target.project(), target.token(), track);
            synchronized (connections) {
                connections.add(c);
            }
            loops[i++ % loops.length].pending.add(c);
        }
        for (Loop loop : loops) {
            loop.selector.wakeup();
        }
    }

    public int size() {
        synchronized (connections) {
            return connections.size();
        }
    }

    /** Streams that answered 200 and are still open. */
    public int open() {
        int n = 0;
        for (Connection c : snapshot()) {
            n += c.streaming && !c.closed ? 1 : 0;
        }
        return n;
    }

    /** Streams whose first frame (the snapshot) arrived. */
    public int withSnapshot() {
        int n = 0;
        for (Connection c : snapshot()) {
            n += c.firstFrameNanos != 0 ? 1 : 0;
        }
        return n;
    }

    /** Streams finished one way or another: failed, refused, closed, or started. */
    public int settled() {
        int n = 0;
        for (Connection c : snapshot()) {
            n += c.closed || c.firstFrameNanos != 0 ? 1 : 0;
        }
        return n;
    }

    public int failed() {
        return failed.get();
    }

    public int closedByServer() {
        return closedByServer.get();
    }

    public long gaps() {
        return gaps.sum();
    }

    public Map<String, Long> failures() {
        Map<String, Long> copy = new TreeMap<>();
        failures.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    /** Streams (still open) that have not yet seen their project's last written sequence. */
    public int behind() {
        int n = 0;
        for (Connection c : snapshot()) {
            if (c.streaming && !c.closed && c.lastSequence < projects.get(c.project).lastWritten()) {
                n++;
            }
        }
        return n;
    }

    /** Streams that have not yet seen, for their project, the sequence {@code targets[project]}. */
    public int behind(long[] targets) {
        int n = 0;
        for (Connection c : snapshot()) {
            if (c.streaming && !c.closed && c.lastSequence < targets[c.project]) {
                n++;
            }
        }
        return n;
    }

    /** Waits until {@code condition} holds or the time is up; answers whether it held. */
    public static boolean await(java.util.function.BooleanSupplier condition, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private List<Connection> snapshot() {
        synchronized (connections) {
            return new ArrayList<>(connections);
        }
    }

    private void fail(Connection c, String why) {
        failures.computeIfAbsent(why, k -> new LongAdder()).increment();
        failed.incrementAndGet();
    }

    @Override
    public void close() {
        stopping = true;
        for (Loop loop : loops) {
            loop.selector.wakeup();
        }
        for (Loop loop : loops) {
            try {
                loop.thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One stream's state; touched only by its loop's thread (the counters read elsewhere are volatile). */
    private final class Connection implements SseStreamParser.Listener {
        final int project;
        final String token;
        final SseStreamParser parser = new SseStreamParser();
        /** Tracked streams only: progress frame ids in arrival order, the snapshot's id, the last frame's data. */
        long[] received;
        int receivedCount;
        long firstId = -1;
        String lastData;
        SocketChannel channel;
        ByteBuffer request;
        long connectStartNanos;
        volatile long firstFrameNanos;
        volatile boolean streaming;
        volatile boolean closed;
        volatile long lastSequence;
        long now;

        Connection(int project, String token, boolean track) {
            this.project = project;
            this.token = token;
            if (track) {
                parser.keepData();
                received = new long[256];
            }
        }

        private synchronized void keep(String event, long sequence) {
            if ("progress".equals(event)) {
                if (receivedCount == received.length) {
                    received = java.util.Arrays.copyOf(received, receivedCount * 2);
                }
                received[receivedCount++] = sequence;
            } else if (firstId < 0) {
                firstId = sequence;
            }
            lastData = parser.data();
        }

        ByteBuffer request() {
            String path = pathPrefix + "/api/projects/" + projects.get(project).id() + "/events";
            StringBuilder text = new StringBuilder(256).append("GET ").append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(hostHeader).append("\r\n")
                    .append("Accept: text/event-stream\r\n")
                    .append("Cache-Control: no-cache\r\n");
            if (token != null) {
                text.append("Authorization: Bearer ").append(token).append("\r\n");
            }
            return ByteBuffer.wrap(text.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void status(int code) {
            if (code == 200) {
                streaming = true;
                connected.incrementAndGet();
                connect.record(now - connectStartNanos, now);
            } else {
                fail(this, "HTTP " + code);
            }
        }

        @Override
        public void frame(String event, String id, int dataBytes) {
            if (firstFrameNanos == 0) {
                firstFrameNanos = now;
                firstFrame.record(now - connectStartNanos, now);
            }
            if (id == null) {
                return;
            }
            long sequence;
            try {
                sequence = Long.parseLong(id);
            } catch (NumberFormatException e) {
                return;
            }
            if (received != null && ("progress".equals(event) || "snapshot".equals(event))) {
                keep(event, sequence);
            }
            if ("progress".equals(event)) {
                if (lastSequence > 0 && sequence > lastSequence + 1) {
                    gaps.increment();
                }
                Sink s = sink;
                s.frames.increment();
                long due = projects.dueOf(project, sequence);
                long sent = projects.sentOf(project, sequence);
                DueWindowLatency band = s.band;
                if (band != null && due != Long.MIN_VALUE && band.contains(due)) {
                    band.latency().record(now - due, now);
                }
                for (DueWindowLatency delivery : s.deliveryBands) {
                    if (due != Long.MIN_VALUE && delivery.contains(due)) {
                        long answered = projects.answeredOf(project, sequence);
                        if (answered != Long.MIN_VALUE) {
                            // 0: the frame came before the writer read its 200; counted as no lag (1 us).
                            delivery.latency().record(answered == 0 ? 0 : now - answered, due);
                        }
                    }
                }
                if (due == Long.MIN_VALUE) {
                    s.unmatched.increment();
                } else if (due >= s.measureFromNanos) {
                    s.endToEnd.record(now - due, due);
                    if (sent != Long.MIN_VALUE) {
                        s.endToEndFromSend.record(now - sent, due);
                    }
                }
            }
            if (sequence > lastSequence) {
                lastSequence = sequence;
            }
        }

        @Override
        public void ended() {
            closed = true;
        }
    }

    /** A selector thread: opens its share of the streams (bounded in flight) and reads them. */
    private final class Loop {
        final Selector selector;
        final Thread thread;
        final ConcurrentLinkedQueue<Connection> pending = new ConcurrentLinkedQueue<>();
        final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
        int connecting;

        Loop(int n) {
            try {
                selector = Selector.open();
            } catch (IOException e) {
                throw new IllegalStateException("cannot open a selector", e);
            }
            thread = new Thread(this::run, "bench-sse-" + n);
            thread.setDaemon(true);
        }

        void run() {
            try {
                while (!stopping) {
                    startConnections();
                    selector.select(50);
                    var keys = selector.selectedKeys().iterator();
                    while (keys.hasNext()) {
                        SelectionKey key = keys.next();
                        keys.remove();
                        Connection c = (Connection) key.attachment();
                        try {
                            handle(key, c);
                        } catch (IOException | RuntimeException e) {
                            closeConnection(key, c, c.streaming ? null : e.getClass().getSimpleName() + ": "
                                    + e.getMessage());
                        }
                    }
                }
            } catch (IOException e) {
                failures.computeIfAbsent("selector: " + e.getMessage(), k -> new LongAdder()).increment();
            } finally {
                for (SelectionKey key : selector.keys()) {
                    try {
                        key.channel().close();
                    } catch (IOException e) {
                        // closing anyway
                    }
                }
                try {
                    selector.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }

        private void startConnections() {
            while (connecting < maxConnectingPerLoop && !stopping) {
                Connection c = pending.poll();
                if (c == null) {
                    return;
                }
                try {
                    c.channel = SocketChannel.open();
                    c.channel.configureBlocking(false);
                    c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    c.connectStartNanos = System.nanoTime();
                    c.request = c.request();
                    connecting++;
                    if (c.channel.connect(address)) {
                        c.channel.register(selector, SelectionKey.OP_WRITE, c);
                    } else {
                        c.channel.register(selector, SelectionKey.OP_CONNECT, c);
                    }
                } catch (IOException e) {
                    connecting = Math.max(0, connecting - 1);
                    c.closed = true;
                    fail(c, "connect: " + e.getMessage());
                    closeQuietly(c.channel);
                }
            }
        }

        private void handle(SelectionKey key, Connection c) throws IOException {
            if (key.isConnectable()) {
                c.channel.finishConnect();
                key.interestOps(SelectionKey.OP_WRITE);
            }
            if (key.isValid() && key.isWritable()) {
                c.channel.write(c.request);
                if (!c.request.hasRemaining()) {
                    c.request = null;
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
            if (key.isValid() && key.isReadable()) {
                buffer.clear();
                int read = c.channel.read(buffer);
                if (read < 0) {
                    if (c.streaming) {
                        closedByServer.incrementAndGet();
                    }
                    closeConnection(key, c, c.streaming ? null : "closed before the response");
                    return;
                }
                buffer.flip();
                c.now = System.nanoTime();
                boolean wasStreaming = c.streaming || c.parser.status() != 0;
                c.parser.feed(buffer, c);
                if (!wasStreaming && c.parser.status() != 0) {
                    connecting = Math.max(0, connecting - 1);
                    if (c.parser.status() != 200) {
                        closeConnection(key, c, null);
                        return;
                    }
                }
                if (c.parser.done()) {
                    closedByServer.incrementAndGet();
                    closeConnection(key, c, null);
                }
            }
        }

        private void closeConnection(SelectionKey key, Connection c, String failure) {
            if (!c.closed && c.parser.status() == 0) {
                connecting = Math.max(0, connecting - 1);
            }
            if (failure != null) {
                fail(c, failure);
            }
            c.closed = true;
            key.cancel();
            closeQuietly(c.channel);
        }

        private void closeQuietly(SocketChannel channel) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }
}
