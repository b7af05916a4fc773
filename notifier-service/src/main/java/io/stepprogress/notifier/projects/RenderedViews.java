package io.stepprogress.notifier.projects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepprogress.event.InitializationView;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JSON of the view {@link HeldViewRoute} last served per project. The read model replaces a project's view (an immutable record) on
 * each event, so an entry is reused only while the read model still holds that very instance: a poll between two
 * events costs no serialisation (Jackson was the largest part of this GET's profile).
 */
@ApplicationScoped
class RenderedViews {

    /** What the JAX-RS writer declares for a view: unchanged for clients whichever route answers. */
    static final String CONTENT_TYPE = "application/json;charset=UTF-8";
    /** What one subscriber may read is not for a shared cache to hand to another. */
    static final String NO_STORE = "no-store";
    /** Bounds the map: past it the map starts over, which only costs serialising again. */
    static final int MAX_RENDERED = 1_000;

    private final ObjectMapper mapper;
    private final Map<String, Rendered> rendered = new ConcurrentHashMap<>();

    RenderedViews(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    private record Rendered(InitializationView view, byte[] json) {
    }

    /** The view's JSON, as the JAX-RS writer of {@link ProjectsResource} would produce it. */
    byte[] json(String projectId, InitializationView view) {
        Rendered known = rendered.get(projectId);
        if (known == null || known.view() != view) {
            try {
                known = new Rendered(view, mapper.writeValueAsBytes(view));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a view did not serialise", e);
            }
            if (rendered.size() >= MAX_RENDERED) {
                rendered.clear();
            }
            rendered.put(projectId, known);
        }
        return known.json();
    }
}
