package io.stepprogress.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * A real HTTP client reading a Server-Sent Events stream line by line, as a browser's EventSource does,
 * keeping every frame (comments apart) and whether the server ended the stream.
 */
public final class SseClient implements AutoCloseable {

    /** One frame: its event name, id (null when absent) and data (lines joined by \n). */
    public record SseFrame(String event, String id, String data) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /**
     * Each stream is read on a thread of its own: with thenAccept, a response that had already arrived ran the endless
     * read on the caller's thread, and connect() never returned (a suite hung 10 minutes in SseContractTest).
     */
    private static final ExecutorService READERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "sse-client-reader");
        thread.setDaemon(true);
        return thread;
    });

    private final List<SseFrame> frames = new ArrayList<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile int status;
    private volatile String contentType;
    private volatile int comments;
    private volatile Stream<String> lines;

    private SseClient() {
    }

    public static SseClient connect(URI uri, Map<String, String> headers) {
        SseClient client = new SseClient();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        headers.forEach(request::header);
        HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(response -> {
            client.status = response.statusCode();
            client.contentType = response.headers().firstValue("Content-Type").orElse("");
            client.lines = response.body();
            client.read(response.body());
        }, READERS).exceptionally(e -> {
            client.ended.complete(null);
            return null;
        });
        return client;
    }

    public static SseClient connect(URI uri) {
        return connect(uri, Map.of());
    }

    private void read(Stream<String> body) {
        String event = null;
        String id = null;
        StringBuilder data = null;
        try {
            for (String line : (Iterable<String>) body::iterator) {
                if (line.isEmpty()) {
                    if (event != null || data != null) {
                        synchronized (frames) {
                            frames.add(new SseFrame(event == null ? "message" : event, id,
                                    data == null ? "" : data.toString()));
                        }
                    }
                    event = null;
                    id = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments++;
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("data:")) {
                    String value = line.substring(5);
                    value = value.startsWith(" ") ? value.substring(1) : value;
                    data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                }
            }
        } catch (RuntimeException e) {
            // closed by us or reset by the server: either way the stream is over
        } finally {
            ended.complete(null);
        }
    }

    public List<SseFrame> frames() {
        synchronized (frames) {
            return List.copyOf(frames);
        }
    }

    public List<SseFrame> frames(String event) {
        return frames().stream().filter(f -> f.event().equals(event)).toList();
    }

    public boolean ended() {
        return ended.isDone();
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    public int comments() {
        return comments;
    }

    @Override
    public void close() {
        Stream<String> body = lines;
        if (body != null) {
            body.close();
        }
    }
}
