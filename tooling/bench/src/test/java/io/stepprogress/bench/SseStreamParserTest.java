package io.stepprogress.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseStreamParserTest {

    private static class Recorder implements SseStreamParser.Listener {
        final List<String> seen = new ArrayList<>();

        @Override
        public void status(int code) {
            seen.add("status " + code);
        }

        @Override
        public void frame(String event, String id, int dataBytes) {
            seen.add(event + " " + id + " " + dataBytes);
        }

        @Override
        public void ended() {
            seen.add("ended");
        }
    }

    private static String chunk(String text) {
        return Integer.toHexString(text.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + text + "\r\n";
    }

    private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";

    @Test
    void chunkedStreamGivesEveryFrameWithEventAndIdAndSkipsCommentsAndRetry() {
        String body = chunk("retry: 2000\n: connected\n\n")
                + chunk("event: snapshot\nid: 3\ndata: {\"a\":1}\n\n")
                + chunk("event: progress\nid: 4\ndata: {\"b\":22}\n\nevent: progress\nid: 5\ndata: x\n\n")
                + chunk(": keep-alive\n\n")
                + "0\r\n\r\n";
        Recorder recorder = new Recorder();

        new SseStreamParser().feed((HEAD + body).getBytes(StandardCharsets.UTF_8), recorder);

        assertThat(recorder.seen).containsExactly("status 200", "snapshot 3 7", "progress 4 8", "progress 5 1", "ended");
    }

    @Test
    void framesSplitAnywhereAcrossReadsAndChunksStillParse() {
        String stream = HEAD + chunk("event: progress\nid: 41\ndata: one\n") + chunk("data: two\n\n")
                + chunk("event: end\ndata: {}\n\n") + "0\r\n\r\n";
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        for (int split = 1; split < bytes.length; split += 7) {
            Recorder recorder = new Recorder();
            SseStreamParser parser = new SseStreamParser();
            // one byte at a time up to the split, then the rest at once
            for (int i = 0; i < split; i++) {
                parser.feed(new byte[] {bytes[i]}, recorder);
            }
            parser.feed(java.util.Arrays.copyOfRange(bytes, split, bytes.length), recorder);

            assertThat(recorder.seen).containsExactly("status 200", "progress 41 6", "end null 2", "ended");
            assertThat(parser.done()).isTrue();
        }
    }

    @Test
    void crlfAndCrLineEndingsAndAMissingSpaceAfterTheColon() {
        String stream = "HTTP/1.1 200 OK\r\nContent-Length: 39\r\n\r\n" + "event:progress\r\nid:7\r\ndata:x\r\n\r\nid: 8\r\r";
        Recorder recorder = new Recorder();

        new SseStreamParser().feed(stream.getBytes(StandardCharsets.UTF_8), recorder);

        assertThat(recorder.seen).containsExactly("status 200", "progress 7 1", "message 8 0", "ended");
    }

    @Test
    void anErrorStatusIsReportedWithItsBodyIgnored() {
        String stream = "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/problem+json\r\nContent-Length: 2\r\n\r\n{}";
        Recorder recorder = new Recorder();
        SseStreamParser parser = new SseStreamParser();

        parser.feed(stream.getBytes(StandardCharsets.UTF_8), recorder);

        assertThat(parser.status()).isEqualTo(401);
        assertThat(recorder.seen).containsExactly("status 401", "ended");
    }

    @Test
    void longDataLinesAreCountedNotKept() {
        String data = "x".repeat(10_000);
        String stream = HEAD + chunk("event: progress\nid: 9\ndata: " + data + "\n\n");
        Recorder recorder = new Recorder();

        new SseStreamParser().feed(stream.getBytes(StandardCharsets.UTF_8), recorder);

        assertThat(recorder.seen).containsExactly("status 200", "progress 9 10000");
    }

    @Test
    void somethingThatIsNotHttpIsRefused() {
        assertThatThrownBy(() -> new SseStreamParser().feed("SSH-2.0-OpenSSH\r\n\r\n".getBytes(StandardCharsets.UTF_8),
                new Recorder())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keptDataIsTheFramesDataLinesJoinedAndReadableWhileItIsDispatched() {
        SseStreamParser parser = new SseStreamParser().keepData();
        List<String> data = new ArrayList<>();
        SseStreamParser.Listener listener = new Recorder() {
            @Override
            public void frame(String event, String id, int dataBytes) {
                data.add(event + " " + id + " " + parser.data());
            }
        };
        parser.feed((HEAD + chunk("event: snapshot\nid: 3\ndata: {\"a\":1}\n\n")
                + chunk("event: progress\nid: 4\ndata:{\"b\":\ndata: 2}\n\n")).getBytes(StandardCharsets.UTF_8), listener);

        assertThat(data).containsExactly("snapshot 3 {\"a\":1}", "progress 4 {\"b\":\n2}");
        assertThat(new SseStreamParser().data()).isNull();
    }

    @Test
    void keptDataLongerThanALineBufferAndSplitAcrossReadsArrivesWhole() {
        String value = "{\"message\":\"" + "élan ✓ ".repeat(700) + "\"}";
        String stream = HEAD + chunk("event: progress\nid: 7\ndata: " + value + "\ndata:" + value + "\n\n")
                + chunk("event: progress\nid: 8\ndata: short\n\n");
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        SseStreamParser parser = new SseStreamParser().keepData();
        List<String> data = new ArrayList<>();
        SseStreamParser.Listener listener = new Recorder() {
            @Override
            public void frame(String event, String id, int dataBytes) {
                data.add(id + " " + parser.data());
            }
        };
        for (int from = 0; from < bytes.length; from += 97) {
            parser.feed(java.util.Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + 97)), listener);
        }

        assertThat(data).containsExactly("7 " + value + "\n" + value, "8 short");
    }
}
