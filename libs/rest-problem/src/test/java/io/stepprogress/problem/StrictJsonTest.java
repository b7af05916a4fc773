package io.stepprogress.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The shared mapper's refusals and how the problem detail names them, without starting a service. */
class StrictJsonTest {

    record Progress(Integer progress, String message) {
    }

    record Step(String name, String label, Integer weight) {
    }

    record Plan(List<Step> steps) {
    }

    private final ObjectMapper mapper = strict();

    private static ObjectMapper strict() {
        ObjectMapper mapper = new ObjectMapper();
        new StrictJson().customize(mapper);
        return mapper;
    }

    private JsonFault fault(Class<?> type, String json) {
        JsonProcessingException e = catchThrowableOfType(JsonProcessingException.class,
                () -> mapper.readerFor(type).readValue(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(e).as("%s must be refused", json).isNotNull();
        JsonFault fault = JsonFault.of(e);
        assertThat(fault.detail()).doesNotContain("Exception", "java", "Jackson", "DeserializationFeature", "$");
        return fault;
    }

    @Test
    void anUnknownFieldIsNamedWithTheKnownOnes() {
        JsonFault fault = fault(Progress.class, "{\"progress\":10,\"mesage\":\"x\"}");
        assertThat(fault.field()).isEqualTo("mesage");
        assertThat(fault.detail()).startsWith("field 'mesage' is not a field of this request (known: message, progress)");
    }

    @Test
    void anUnknownNestedFieldIsNamedByItsPath() {
        assertThat(fault(Plan.class, "{\"steps\":[{\"name\":\"a\",\"lable\":\"A\",\"weight\":1}]}").field())
                .isEqualTo("steps[0].lable");
    }

    @Test
    void aDuplicateFieldIsNamedByItsPath() {
        assertThat(fault(Progress.class, "{\"progress\":10,\"progress\":90}").detail())
                .startsWith("field 'progress' is given more than once");
        assertThat(fault(Plan.class, "{\"steps\":[{\"name\":\"a\",\"name\":\"b\",\"label\":\"A\",\"weight\":1}]}")
                .field()).isEqualTo("steps[0].name");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"{\"progress\":60}xyz", "{\"progress\":60}}", "{\"progress\":60} {}",
            "{\"progress\":60}[1]", "{\"progress\":60} 1", "{\"progress\":60}\"x\""})
    void anythingAfterTheObjectIsRefused(String json) {
        assertThat(fault(Progress.class, json).detail()).startsWith("the body must be exactly one JSON value");
    }

    @Test
    void garbageAloneIsStillJustInvalidJson() {
        assertThat(fault(Progress.class, "xyz").detail()).startsWith("the body is not valid JSON");
        assertThat(fault(Progress.class, "{\"progress\":").detail()).startsWith("the body is not valid JSON");
    }

    @ParameterizedTest
    @CsvSource({"0000", "0001", "0008", "000b", "000c", "001b", "001f", "007f", "0080", "0085", "009f"})
    void controlCharactersInTextAreRefusedAndTheFieldNamed(String hex) {
        JsonFault fault = fault(Progress.class, "{\"progress\":10,\"message\":\"ok\\u" + hex + "\"}");
        assertThat(fault.field()).isEqualTo("message");
        assertThat(fault.detail()).contains("must not contain control characters (U+" + hex.toUpperCase() + " at position 3");
        assertThat(fault(Plan.class, "{\"steps\":[{\"name\":\"a\",\"label\":\"\\u" + hex + "\",\"weight\":1}]}").field())
                .isEqualTo("steps[0].label");
    }

    @Test
    void anUnpairedSurrogateIsRefused() {
        assertThat(fault(Progress.class, "{\"progress\":10,\"message\":\"\\ud800x\"}").detail())
                .contains("field 'message' must be valid Unicode text");
    }

    @Test
    void tabsLineBreaksAndOtherUnicodeAreText() throws Exception {
        String text = "line 1\r\n\tline 2 – ünïcödé 🚀 \u00a0";
        Progress read = mapper.readValue(mapper.writeValueAsString(new Progress(10, text)), Progress.class);
        assertThat(read.message()).isEqualTo(text);
    }

    @Test
    void theCallersOwnFieldNameIsEscapedAndCut() {
        JsonFault fault = fault(Progress.class, "{\"a\\u0000b" + "x".repeat(100) + "\":1}");
        assertThat(fault.field()).startsWith("a\\u0000b").endsWith("…").hasSizeLessThan(80);
    }

    @Test
    void wrongTypesStillNameTheField() {
        assertThat(fault(Progress.class, "{\"progress\":\"60\"}").detail()).startsWith("field 'progress' must be an integer");
        assertThat(fault(Progress.class, "{\"progress\":99999999999}").detail()).startsWith("field 'progress' is out of range");
        assertThat(fault(Progress.class, "{\"progress\":1,\"message\":5}").detail()).startsWith("field 'message' must be a string");
    }
}
