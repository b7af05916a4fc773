package io.stepprogress.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {

    /** jsr310 alone: what the contract's instants were written and read with before. */
    private static final ObjectMapper JSR310 = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final long FIRST = LocalDate.of(0, 1, 1).atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    private static final long LAST = LocalDate.of(9999, 12, 31).atTime(23, 59, 59).toEpochSecond(ZoneOffset.UTC);

    @Test
    void writesWhatInstantToStringWritesAndReadsItBack() {
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            long seconds = i % 2 == 0 ? random.nextLong(FIRST, LAST + 1)
                    : random.nextLong(-1_000_000_000L, 4_000_000_000L); // around now, where events are
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nanos);

            String text = IsoInstants.format(instant);

            assertThat(text).isEqualTo(instant.toString());
            assertThat(IsoInstants.parseOrNull(text)).isEqualTo(instant);
        }
    }

    @Test
    void writesTheEdgesAsInstantToStringDoes() {
        for (Instant instant : new Instant[] {Instant.EPOCH, Instant.ofEpochSecond(-1), Instant.ofEpochSecond(FIRST),
                Instant.ofEpochSecond(LAST, 999_999_999), Instant.ofEpochSecond(FIRST - 1), Instant.ofEpochSecond(LAST + 1),
                Instant.MIN, Instant.MAX, Instant.parse("2024-02-29T23:59:59.000000001Z")}) {
            assertThat(IsoInstants.format(instant)).isEqualTo(instant.toString());
        }
    }

    @Test
    void readsEveryFractionLength() {
        assertThat(IsoInstants.parseOrNull("2026-11-30T09:08:42.5Z")).isEqualTo(Instant.parse("2026-11-30T09:08:42.500Z"));
        assertThat(IsoInstants.parseOrNull("2026-11-30T09:08:42.12345Z"))
                .isEqualTo(Instant.parse("2026-11-30T09:08:42.123450Z"));
        assertThat(IsoInstants.parseOrNull("2026-11-30T09:08:42.123456789Z"))
                .isEqualTo(Instant.parse("2026-11-30T09:08:42.123456789Z"));
        assertThat(IsoInstants.parseOrNull("2026-11-30T09:08:42Z")).isEqualTo(Instant.parse("2026-11-30T09:08:42Z"));
    }

    @Test
    void leavesEveryOtherFormToTheFallback() {
        for (String text : new String[] {"2026-11-30T09:08:42+01:00", "2026-11-30T09:08:42z", "2026-11-30 09:08:42Z",
                "2026-11-30T23:59:60Z", "2026-11-30T24:00:00Z", "2026-02-30T09:08:42Z", "2026-13-01T09:08:42Z",
                "2026-11-30T09:08:42.Z", "2026-11-30T09:08:42.1234567890Z", "2026-11-30T09:08:4xZ",
                "+10000-01-01T00:00:00Z", "-2026-11-30T09:08:42Z", "2026-11-30T09:08Z", "", "Z"}) {
            assertThat(IsoInstants.parseOrNull(text)).as(text).isNull();
        }
    }

    @Test
    void theContractsMapperReadsTheOtherFormsAsJsr310Does() throws Exception {
        ObjectMapper contract = EventJson.configure(new ObjectMapper());
        for (String json : new String[] {"\"2026-11-30T09:08:42+01:00\"", "\"2026-11-30T23:59:60Z\"", "1796029664",
                "1796029664.5", "\"+10000-01-01T00:00:00Z\"", "\"2026-11-30T09:08:42.123Z\"", "null"}) {
            assertThat(contract.readValue(json, Instant.class)).as(json)
                    .isEqualTo(JSR310.readValue(json, Instant.class));
        }
    }

    @Test
    void theContractsMapperWritesAsJsr310DidIncludingTimestampsWhenAMapperAsksForThem() throws Exception {
        ObjectMapper contract = EventJson.configure(new ObjectMapper());
        Instant instant = Instant.parse("2026-11-30T09:08:42.788123Z");

        assertThat(contract.writeValueAsString(instant)).isEqualTo(JSR310.writeValueAsString(instant))
                .isEqualTo("\"2026-11-30T09:08:42.788123Z\"");
        assertThat(contract.copy().enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writeValueAsString(instant))
                .isEqualTo(JSR310.copy().enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                        .writeValueAsString(instant));
        assertThat(EventJson.write(EventJsonTest.sample()))
                .isEqualTo(JSR310.writeValueAsString(EventJsonTest.sample()));
    }

    record AsNumber(@JsonFormat(shape = JsonFormat.Shape.NUMBER) Instant at) {
    }

    record AsPattern(@JsonFormat(pattern = "yyyy/MM/dd HH:mm", timezone = "UTC") Instant at) {
    }

    @Test
    void aJsonFormatOnAnInstantIsHonouredAsJsr310HonoursIt() throws Exception {
        ObjectMapper contract = EventJson.configure(new ObjectMapper());
        Instant at = Instant.parse("2026-11-30T09:08:00Z");

        for (Object value : new Object[] {new AsNumber(at), new AsPattern(at)}) {
            String json = contract.writeValueAsString(value);

            assertThat(json).isEqualTo(JSR310.writeValueAsString(value)).doesNotContain("2026-11-30T09:08:00Z");
            assertThat(contract.readValue(json, value.getClass())).isEqualTo(value);
        }
    }
}
