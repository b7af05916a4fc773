import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;

/**
 * A bounded SSE fan-out probe, loopback only: holds N connections to one project's stream on a notifier,
 * drains them on one selector thread, and (optionally) drives that project through progress-service at a
 * fixed rate so every connection receives events. Reports connections held and frames received; the
 * notifier's own metrics (notifier_sse_delivery_lag_seconds) give the delivery lag.
 *
 * java tools/SseLoad.java --notifier 8080 --progress 8081 --connections 2000 --rate 50 --seconds 30
 * (raise the open-file limit of this process first: ulimit -n 65536)
 */
public class SseLoad {

    private static final int STEPS = 10;

    public static void main(String[] args) throws Exception {
        int notifierPort = 8080;
        int progressPort = 8081;
        int connections = 1000;
        int rate = 50;
        int seconds = 30;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--notifier" -> notifierPort = Integer.parseInt(args[i + 1]);
                case "--progress" -> progressPort = Integer.parseInt(args[i + 1]);
                case "--connections" -> connections = Math.min(Integer.parseInt(args[i + 1]), 20_000);
                case "--rate" -> rate = Math.min(Integer.parseInt(args[i + 1]), 1_000);
                case "--seconds" -> seconds = Math.min(Integer.parseInt(args[i + 1]), 600);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        String project = "sse-load-" + System.currentTimeMillis();
        HttpClient http = HttpClient.newHttpClient();
        if (rate > 0) {
            StringBuilder plan = new StringBuilder("{\"steps\":[");
            for (int s = 0; s < STEPS; s++) {
                plan.append(s == 0 ? "" : ",").append("{\"name\":\"s").append(s).append("\",\"label\":\"Step ")
                        .append(s).append("\",\"weight\":1}");
            }
            plan.append("]}");
            send(http, "PUT", progressPort, "/api/projects/" + project + "/initialization", plan.toString());
        }

        Selector selector = Selector.open();
        byte[] request = ("GET /api/projects/" + project + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        long[] frames = new long[connections];
        boolean[] ok = new boolean[connections];
        int opened = 0;
        for (int c = 0; c < connections; c++) {
            try {
                SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", notifierPort));
                channel.write(ByteBuffer.wrap(request));
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_READ, c);
                opened++;
            } catch (IOException e) {
                System.out.println("connection " + c + " failed: " + e.getMessage());
                break;
            }
        }
        System.out.printf("opened %d of %d connections%n", opened, connections);

        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long interval = rate > 0 ? 1_000_000_000L / rate : Long.MAX_VALUE;
        java.util.concurrent.atomic.AtomicInteger updates = new java.util.concurrent.atomic.AtomicInteger();
        final int progressPortFinal = progressPort;
        final int rateFinal = rate;
        Thread writer = new Thread(() -> {
            long next = System.nanoTime();
            while (rateFinal > 0 && System.nanoTime() < end && updates.get() < STEPS * 100) {
                java.util.concurrent.locks.LockSupport.parkNanos(next - System.nanoTime());
                next += interval;
                int n = updates.getAndIncrement();
                try {
                    send(http, "POST", progressPortFinal, "/api/projects/" + project + "/steps/s" + (n / 100)
                            + "/progress", "{\"progress\":" + (n % 100 + 1) + "}");
                } catch (Exception e) {
                    System.out.println("update failed: " + e.getMessage());
                    return;
                }
            }
        }, "writer");
        writer.setDaemon(true);
        writer.start();
        int closedByServer = 0;
        while (System.nanoTime() < end) {
            selector.select(5);
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                int c = (Integer) key.attachment();
                buffer.clear();
                int read = ((SocketChannel) key.channel()).read(buffer);
                if (read < 0) {
                    closedByServer++;
                    key.cancel();
                    key.channel().close();
                    continue;
                }
                buffer.flip();
                if (!ok[c] && buffer.remaining() >= 12) {
                    byte[] status = new byte[12];
                    buffer.get(buffer.position(), status);
                    ok[c] = new String(status, StandardCharsets.US_ASCII).equals("HTTP/1.1 200");
                }
                // Count frames by their "\nid: " line without decoding the bytes.
                for (int i = buffer.position(); i + 4 < buffer.limit(); i++) {
                    if (buffer.get(i) == '\n' && buffer.get(i + 1) == 'i' && buffer.get(i + 2) == 'd'
                            && buffer.get(i + 3) == ':') {
                        frames[c]++;
                    }
                }
            }
        }
        int held = 0;
        long total = 0;
        long min = Long.MAX_VALUE;
        for (int c = 0; c < opened; c++) {
            held += ok[c] ? 1 : 0;
            total += frames[c];
            min = Math.min(min, frames[c]);
        }
        System.out.printf("SSE-LOAD connections=%d answered200=%d closedByServer=%d updatesSent=%d "
                + "framesReceived=%d minFramesPerConnection=%d%n", opened, held, closedByServer, updates.get(), total,
                opened == 0 ? 0 : min);
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
    }

    private static void send(HttpClient http, String method, int port, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " -> " + response.statusCode() + " " + response.body());
        }
    }
}
