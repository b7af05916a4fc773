package io.stepprogress.notifier.readmodel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.InitializationView;
import io.stepprogress.notifier.NotifierConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * progress-service, the source of truth, read over its operator API: the listing of current views
 * ({@code GET /api/projects}, newest first) and one project's view ({@code GET /api/projects/{id}/progress}).
 */
@ApplicationScoped
public class ProgressSource {

    private static final ObjectMapper MAPPER = EventJson.configure(new ObjectMapper());

    private final NotifierConfig.Source config;
    private final HttpClient client;

    ProgressSource(NotifierConfig config) {
        this.config = config.source();
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(this.config.timeout()).build(); // plain HTTP/1.1: no h2c upgrade round trip
    }

    /** False in a deployment (and the tests) that rebuild from the topic instead. */
    public boolean configured() {
        return config.url().isPresent();
    }

    /** Up to {@code max} current views, most recently updated first. */
    public List<InitializationView> recent(int max) {
        List<InitializationView> views = new ArrayList<>();
        String after = null;
        do {
            int limit = Math.min(config.pageSize(), max - views.size());
            String query = "/api/projects?limit=" + limit
                    + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
            HttpResponse<byte[]> response = get(query);
            if (response.statusCode() != 200) {
                throw new Unavailable("GET /api/projects answered " + response.statusCode(), null);
            }
            JsonNode page = parse(response.body());
            for (JsonNode view : page.path("projects")) {
                views.add(MAPPER.convertValue(view, InitializationView.class));
            }
            after = page.path("next").isTextual() ? page.path("next").asText() : null;
        } while (after != null && views.size() < max);
        return views;
    }

    /** The project's current view; empty when progress-service does not know it (its 404). */
    public Optional<InitializationView> fetch(String projectId) {
        HttpResponse<byte[]> response = get("/api/projects/" + URLEncoder.encode(projectId, StandardCharsets.UTF_8)
                + "/progress");
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            // 401/403 too: our token is wrong or too narrow, which says nothing about whether the project exists.
            throw new Unavailable("GET progress of " + projectId + " answered " + response.statusCode(), null);
        }
        return Optional.of(MAPPER.convertValue(parse(response.body()), InitializationView.class));
    }

    private HttpResponse<byte[]> get(String pathAndQuery) {
        URI base = config.url().orElseThrow(() -> new Unavailable("notifier.source.url is not set", null));
        String root = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1)
                : base.toString();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(root + pathAndQuery))
                .timeout(config.timeout()).header("Accept", "application/json").GET();
        config.token().ifPresent(token -> request.header("Authorization", "Bearer " + token.strip()));
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new Unavailable("progress-service unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted", e);
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new Unavailable("unreadable answer from progress-service: " + e.getMessage(), e);
        }
    }

    /** progress-service could not answer: nothing is known about the project either way. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
