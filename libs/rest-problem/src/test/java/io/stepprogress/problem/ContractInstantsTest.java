package io.stepprogress.problem;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.stepprogress.event.IsoInstants;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ContractInstantsTest {

    @Test
    void runsAfterQuarkusRegisteredJsr310AndTakesInstantsOver() throws Exception {
        ContractInstants customizer = new ContractInstants();
        ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

        customizer.customize(mapper);

        assertThat(customizer.priority()).isEqualTo(ObjectMapperCustomizer.MINIMUM_PRIORITY)
                .isLessThan(ObjectMapperCustomizer.QUARKUS_CUSTOMIZER_PRIORITY);
        assertThat(mapper.getSerializerProviderInstance().findValueSerializer(Instant.class).getClass()
                .getEnclosingClass()).isEqualTo(IsoInstants.class);
        assertThat(mapper.readValue("\"2026-11-30T09:08:42.788123Z\"", Instant.class))
                .isEqualTo(Instant.parse("2026-11-30T09:08:42.788123Z"));
        assertThat(mapper.writeValueAsString(Instant.parse("2026-11-30T09:08:42Z"))).isEqualTo("\"2026-11-30T09:08:42Z\"");
    }
}
