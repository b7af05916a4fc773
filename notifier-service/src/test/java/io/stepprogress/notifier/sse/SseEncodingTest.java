package io.stepprogress.notifier.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepprogress.event.EventJson;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.notifier.readmodel.StreamEvent;
import io.stepprogress.testkit.Events;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire form of each kind of stream event, byte for byte. */
class SseEncodingTest {

    private final Events.Run run = Events.plan("p", "a");

    @Test
    void aProgressEventIsItsPublishedJsonWithItsSequenceAsId() {
        run.initialized();
        StepProgressUpdated event = run.progress("a", 10);
        String json = EventJson.write(event);

        assertThat(sse(StreamEvent.progress(event, utf8(json), false)))
                .isEqualTo("event: progress\nid: 2\ndata: " + json + "\n\n");
    }

    @Test
    void aSnapshotCarriesTheViewAndWhetherItResumed() {
        StepProgressUpdated event = run.initialized();

        assertThat(sse(StreamEvent.snapshot(event.initialization(), null)))
                .isEqualTo("event: snapshot\nid: 1\ndata: " + EventJson.write(event.initialization()) + "\n\n");
        assertThat(sse(StreamEvent.snapshot(event.initialization(), false)))
                .startsWith("event: snapshot\nid: 1\ndata: {").endsWith(",\"resumed\":false}\n\n");
    }

    @Test
    void theEventThatFinishesTheRunIsFollowedByTheEnd() {
        run.initialized();
        StepProgressUpdated done = run.complete("a");
        String json = EventJson.write(done);

        assertThat(sse(StreamEvent.progress(done, utf8(json), true))).isEqualTo("event: progress\nid: 2\ndata: "
                + json + "\n\nevent: end\ndata: {\"projectId\":\"p\",\"status\":\"completed\",\"sequence\":2}\n\n");
        assertThat(sse(StreamEvent.end(done.initialization())))
                .isEqualTo("event: end\ndata: {\"projectId\":\"p\",\"status\":\"completed\",\"sequence\":2}\n\n");
    }

    @Test
    void theOverviewsEventsCarryNoIdAndAFinishedProjectDoesNotEndIt() {
        run.initialized();
        StepProgressUpdated done = run.complete("a");
        String view = EventJson.write(done.initialization());

        assertThat(sse(StreamEvent.project(done.initialization(), done.occurredAt(), true)))
                .isEqualTo("event: project\ndata: " + view + "\n\n");
        assertThat(sse(StreamEvent.projects(List.of(done.initialization()))))
                .isEqualTo("event: projects\ndata: [" + view + "]\n\n");
    }

    @Test
    void everyKindOfLineBreakInAPayloadStartsANewDataLine() {
        StepProgressUpdated event = run.initialized();

        assertThat(sse(StreamEvent.progress(event, utf8("a\r\nb\rc\nd"), true)))
                .isEqualTo("event: progress\nid: 1\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
        assertThat(SseEncoding.frame("end", 0, "")).isEqualTo("event: end\ndata: \n\n");
    }

    @Test
    void anEventIsEncodedOnceForAllItsSubscribers() {
        StepProgressUpdated event = run.initialized();
        StreamEvent shared = StreamEvent.progress(event, utf8(EventJson.write(event)), true);

        SseEncoding.Frame first = shared.encoded(new SseEncodingProbe().encoding());
        assertThat(shared.encoded(new SseEncodingProbe().encoding())).isSameAs(first);
    }

    private static String sse(StreamEvent event) {
        Buffer out = Buffer.buffer();
        SseEncoding.append(event, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The encoding SseEncoding.append uses. */
    private static final class SseEncodingProbe {
        StreamEvent.Encoding<SseEncoding.Frame> encoding() {
            return SseEncoding.instance();
        }
    }
}
