package io.stepprogress.problem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Wrong JSON types are a 400, not a silent guess: {@code "progress": "50"}, {@code 50.5} or {@code true}
 * are rejected instead of being coerced to an integer, and a number is not taken for a message.
 * <p>
 * Nor is loose JSON read as if it were what the caller meant: an unknown field (a misspelled
 * {@code "mesage"} would otherwise be dropped and the update applied without it), a field given twice
 * (which value wins is a parser's accident) and anything after the object ({@code {...}xyz}, a second
 * object) are refused. Quarkus turns unknown-field failures off by default
 * ({@code quarkus.jackson.fail-on-unknown-properties}); customizers run after that, so this wins in every
 * service without each one's configuration repeating it. Text fields are checked by {@link PlainText}.
 * <p>
 * This is the REST mapper only: events are read with {@code EventJson}'s own mapper, which keeps ignoring
 * unknown fields so that older consumers survive newer producers.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    @SuppressWarnings("deprecation") // the builder form needs a new mapper; Quarkus hands us its own
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.registerModule(new SimpleModule("plain-text").addDeserializer(String.class, new PlainText()));
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }
}
