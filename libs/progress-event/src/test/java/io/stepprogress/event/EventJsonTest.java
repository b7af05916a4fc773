package io.stepprogress.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventJsonTest {

    private static final Instant AT = Instant.parse("2026-11-28T10:15:30.123456Z");

    static StepProgressUpdated sample() {
        StepView clone = new StepView("clone", "Clone repository", 2, StepStatus.RUNNING, 40, "fetching", AT, AT);
        InitializationView view = new InitializationView("p-1", InitializationStatus.RUNNING, 26.7, "fetching",
                "clone", 3, AT, AT, null, null, List.of(clone));
        return StepProgressUpdated.of(UUID.fromString("4b7d1c58-0b5e-4b8e-9a37-0e2f9d0f6a11"), AT,
                ChangeKind.PROGRESSED, clone, view);
    }

    @Test
    void writesTheDocumentedShapeWithLowerCaseEnumsAndIsoInstants() {
        String json = EventJson.write(sample());

        assertThat(json).contains("\"eventId\":\"4b7d1c58-0b5e-4b8e-9a37-0e2f9d0f6a11\"",
                "\"type\":\"StepProgressUpdated\"", "\"projectId\":\"p-1\"", "\"sequence\":3",
                "\"occurredAt\":\"2026-11-28T10:15:30.123456Z\"", "\"change\":\"progressed\"",
                "\"status\":\"running\"", "\"initialization\":{");
    }

    @Test
    void readsWhatItWrites() {
        StepProgressUpdated event = sample();

        assertThat(EventJson.read(EventJson.write(event).getBytes(StandardCharsets.UTF_8))).isEqualTo(event);
    }

    @Test
    void toleratesFieldsItDoesNotKnow() {
        String json = EventJson.write(sample()).replaceFirst("\\{", "{\"addedLater\":42,");

        assertThat(EventJson.read(json.getBytes(StandardCharsets.UTF_8)).sequence()).isEqualTo(3);
    }

    @Test
    void carriesTheEstimateInTheViewAndNullWhenThereIsNone() {
        StepProgressUpdated event = sample();
        StepProgressUpdated estimated = StepProgressUpdated.of(event.eventId(), event.occurredAt(), event.change(),
                event.step(), event.initialization().withEta(new Eta(83.5, 140.0, 12)));

        String json = EventJson.write(estimated);

        assertThat(json).contains("\"eta\":{\"p50\":83.5,\"p90\":140.0,\"basis\":12}");
        assertThat(EventJson.read(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(estimated);
        assertThat(EventJson.write(event)).contains("\"eta\":null");
    }

    @Test
    void readsAnEventWrittenBeforeEstimatesExistedAsOneWithoutAnEstimate() {
        String json = EventJson.write(sample()).replace(",\"eta\":null", "");

        assertThat(json).doesNotContain("eta");
        assertThat(EventJson.read(json.getBytes(StandardCharsets.UTF_8)).initialization().eta()).isNull();
    }

    @Test
    void rejectsPoisonWithAReason() {
        assertThatThrownBy(() -> EventJson.read("{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventJson.InvalidEventException.class).hasMessageContaining("unparseable");
        assertThatThrownBy(() -> EventJson.read("{\"projectId\":\"p\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventJson.InvalidEventException.class).hasMessageContaining("required");
        assertThatThrownBy(() -> EventJson.read("{\"eventId\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventJson.InvalidEventException.class);
    }

    @Test
    void rejectsATombstone() {
        assertThatThrownBy(() -> EventJson.read(null))
                .isInstanceOf(EventJson.InvalidEventException.class).hasMessageContaining("tombstone");
        assertThatThrownBy(() -> EventJson.read("null".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventJson.InvalidEventException.class).hasMessageContaining("JSON null");
    }

    @Test
    void namesEveryMissingRequiredField() {
        String json = EventJson.write(sample()).replace("\"occurredAt\":\"2026-11-28T10:15:30.123456Z\",", "")
                .replace("\"status\":\"running\",\"progress\"", "\"progress\"");

        assertThat(json).doesNotContain("occurredAt").contains("\"initialization\":{");
        assertThatThrownBy(() -> EventJson.read(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventJson.InvalidEventException.class)
                .hasMessageContaining("occurredAt").hasMessageContaining("initialization.status");
    }
}
