package io.stepprogress.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A body announced larger than {@code quarkus.http.limits.max-body-size} gets its 413 as problem+json, like
 * every other refusal. Quarkus answers it with an empty body from a route of order -2, before any resource
 * or exception mapper runs; this route runs just before that one and applies the same test. It answers
 * before authentication and before the body is read, so the request touches nothing. (A chunked body with
 * no Content-Length is still cut by Quarkus itself when it crosses the limit.)
 */
@ApplicationScoped
public class BodyLimitProblem {

    private final ObjectMapper mapper;
    private final Optional<Long> limit;

    BodyLimitProblem(ObjectMapper mapper,
                     @ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<String> limit) {
        this.mapper = mapper;
        this.limit = limit.map(value -> new MemorySizeConverter().convert(value).asLongValue());
    }

    void install(@Observes Router router) {
        limit.ifPresent(max -> router.route().order(-3).handler(ctx -> {
            String length = ctx.request().getHeader(HttpHeaderNames.CONTENT_LENGTH);
            if (length != null && tooLarge(length, max)) {
                ctx.response().setStatusCode(413)
                        .putHeader(HttpHeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        // The unread body is still on the wire: close rather than read it to reuse the connection.
                        .putHeader(HttpHeaderNames.CONNECTION, "close")
                        .end(json(Problem.of(413, "Payload too large", "the request body is larger than the "
                                + max / 1024 + "K this service accepts", ctx.request().path(), List.of())));
                return;
            }
            ctx.next();
        }));
    }

    private static boolean tooLarge(String length, long max) {
        try {
            return Long.parseLong(length.trim()) > max;
        } catch (NumberFormatException e) {
            return false; // not ours to judge: Vert.x rejects a malformed Content-Length itself
        }
    }

    private String json(Problem problem) {
        try {
            return mapper.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a problem", e);
        }
    }
}
