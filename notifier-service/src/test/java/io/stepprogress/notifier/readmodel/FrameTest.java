package io.stepprogress.notifier.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrameTest {

    @Test
    void aOneLinePayloadIsOneDataLine() {
        Frame frame = Frame.of("progress", 7, "{\"a\":1}", null);

        assertThat(frame.bytes().toString()).isEqualTo("event: progress\nid: 7\ndata: {\"a\":1}\n\n");
    }

    @Test
    void everyKindOfLineBreakStartsANewDataLine() {
        Frame frame = Frame.of("snapshot", 0, "a\r\nb\rc\nd", null);

        assertThat(frame.bytes().toString()).isEqualTo("event: snapshot\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
    }

    @Test
    void anEmptyPayloadIsOneEmptyDataLine() {
        assertThat(Frame.of("end", 0, "", null).bytes().toString()).isEqualTo("event: end\ndata: \n\n");
    }
}
