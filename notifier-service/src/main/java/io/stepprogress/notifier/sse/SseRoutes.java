package io.stepprogress.notifier.sse;

import io.stepprogress.notifier.NotifierConfig;
import io.stepprogress.event.Ids;
import io.stepprogress.notifier.readmodel.ProjectReadModel;
import io.stepprogress.problem.Problem;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.OptionalLong;

/**
 * The Server-Sent Events endpoints, as plain Vert.x routes: each stream needs its own write queue,
 * drain handling and close, which a per-connection handler expresses directly.
 * <ul>
 *   <li>{@code GET /api/projects/{projectId}/events}: {@code snapshot}, then {@code progress} events, then
 *       {@code end}; resumes after {@code Last-Event-ID} (header, or {@code ?lastEventId=}).</li>
 *   <li>{@code GET /api/events}: the overview, {@code projects} (recent views) then {@code project} per change.</li>
 * </ul>
 */
@ApplicationScoped
public class SseRoutes {

    static final int OVERVIEW_SIZE = 50;

    private final ProjectReadModel readModel;
    private final NotifierConfig config;
    private final SseMetrics metrics;
    private final Vertx vertx;

    SseRoutes(ProjectReadModel readModel, NotifierConfig config, SseMetrics metrics, Vertx vertx) {
        this.readModel = readModel;
        this.config = config;
        this.metrics = metrics;
        this.vertx = vertx;
    }

    void register(@Observes Router router) {
        router.get("/api/projects/:projectId/events").handler(this::projectStream);
        router.get("/api/events").handler(this::overviewStream);
    }

    private void projectStream(RoutingContext request) {
        String projectId = request.pathParam("projectId");
        if (!Ids.valid(projectId)) {
            badRequest(request, "projectId must match " + Ids.PATTERN);
            return;
        }
        OptionalLong lastEventId = lastEventId(request);
        SseConnection[] self = new SseConnection[1];
        self[0] = new SseConnection(request.response(), vertx, config.sse(), metrics,
                () -> readModel.unsubscribe(projectId, self[0]));
        self[0].open();
        readModel.subscribe(projectId, self[0], lastEventId);
    }

    private void overviewStream(RoutingContext request) {
        SseConnection[] self = new SseConnection[1];
        self[0] = new SseConnection(request.response(), vertx, config.sse(), metrics,
                () -> readModel.unsubscribeOverview(self[0]));
        self[0].open();
        readModel.subscribeOverview(self[0], OVERVIEW_SIZE);
    }

    /**
     * The id the browser last saw. Present but unreadable means the client has some state we cannot place:
     * it gets a snapshot marked not resumed, never an error.
     */
    static OptionalLong lastEventId(RoutingContext request) {
        String value = request.request().getHeader("Last-Event-ID");
        if (value == null || value.isBlank()) {
            value = request.queryParams().get("lastEventId");
        }
        if (value == null || value.isBlank()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(value.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.of(-1);
        }
    }

    private static void badRequest(RoutingContext request, String detail) {
        Problem problem = Problem.of(400, "Invalid request", detail, request.request().path(), List.of());
        request.response().setStatusCode(400).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .end(Json.encode(problem));
    }
}
