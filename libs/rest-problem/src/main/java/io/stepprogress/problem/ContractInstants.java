package io.stepprogress.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.stepprogress.event.IsoInstants;
import jakarta.inject.Singleton;

/**
 * The REST mapper writes and reads instants as the events do ({@link IsoInstants}: the same text as before, without
 * the formatter that was a visible part of every progress update's answer under load).
 */
@Singleton
public class ContractInstants implements ObjectMapperCustomizer {

    /** Last, after Quarkus has registered jsr310: of two modules for one type, the later one is used. */
    @Override
    public int priority() {
        return MINIMUM_PRIORITY;
    }

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.registerModule(IsoInstants.module());
    }
}
