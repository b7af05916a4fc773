package io.stepprogress.notifier.sse;

import io.opentelemetry.api.OpenTelemetry;
import io.stepprogress.event.trace.EventTracing;
import io.stepprogress.event.Ids;
import io.stepprogress.notifier.NotifierConfig;
import io.stepprogress.notifier.readmodel.ProjectLookup;
import io.stepprogress.notifier.readmodel.ProjectReadModel;
import io.stepprogress.notifier.subscriber.Credentials;
import io.stepprogress.notifier.subscriber.SubscriberAuthenticator;
import io.stepprogress.notifier.subscriber.SubscriberToken;
import io.stepprogress.problem.InvalidParameterException;
import io.stepprogress.problem.ProblemException;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * The Server-Sent Events endpoints, as plain Vert.x routes: each stream needs its own write queue,
 * drain handling and close, which a per-connection handler expresses directly.
 * <ul>
 *   <li>{@code GET /api/projects/{projectId}/events}: {@code snapshot}, then {@code progress} events, then
 *       {@code end}; resumes after {@code Last-Event-ID} (header, or {@code ?lastEventId=}).</li>
 *   <li>{@code GET /api/events}: the overview, {@code projects} (recent views) then {@code project} per change,
 *       of the projects the subscriber token allows only.</li>
 * </ul>
 * Both need a subscriber token (session cookie or bearer header, see {@link SubscriberAuthenticator}), checked
 * on a worker thread (verifying may have to load keys) before anything is registered; then at most
 * {@code notifier.sse.max-connections-per-token} streams per token (429 beyond). Nothing is served before the
 * read model has caught up (503 with Retry-After). A client whose Last-Event-ID is ahead of what this instance
 * holds is sent nothing older: it waits up to {@code notifier.catch-up-wait} for the instance to catch up, then
 * the stream ends and the browser reconnects with the same id. A stream ends with
 * {@code event: expired} when its token expires (see {@link SseConnection}).
 */
@ApplicationScoped
public class SseRoutes {

    static final int OVERVIEW_SIZE = 50;
    private static final String TOKEN = "subscriber-token";

    private final ProjectReadModel readModel;
    private final NotifierConfig config;
    private final SseMetrics metrics;
    private final SubscriberAuthenticator authenticator;
    private final ConnectionLimit limit;
    private final Vertx vertx;
    private final ProjectLookup lookup;
    private final EventTracing tracing;

    SseRoutes(ProjectReadModel readModel, NotifierConfig config, SseMetrics metrics,
              SubscriberAuthenticator authenticator, ConnectionLimit limit, Vertx vertx, ProjectLookup lookup,
              OpenTelemetry openTelemetry) {
        this.lookup = lookup;
        this.tracing = new EventTracing(openTelemetry, SseConnection.class.getName());
        this.readModel = readModel;
        this.config = config;
        this.metrics = metrics;
        this.authenticator = authenticator;
        this.limit = limit;
        this.vertx = vertx;
    }

    void register(@Observes Router router) {
        router.get("/api/projects/:projectId/events")
                .blockingHandler(this::authorizeProject, false)
                .handler(this::projectStream);
        router.get("/api/events")
                .blockingHandler(request -> authorize(request, authenticator::authenticate), false)
                .handler(this::overviewStream);
    }

    /**
     * Runs on a worker thread; a refusal ends the request here, before any subscription. {@code next()}
     * brings the request back to its event loop, where the stream is opened.
     */
    private void authorize(RoutingContext request, Function<Credentials, SubscriberToken> check) {
        try {
            request.put(TOKEN, check.apply(Credentials.from(request.request())));
        } catch (ProblemException refused) {
            refuse(request, refused);
            return;
        }
        request.next();
    }

    private void authorizeProject(RoutingContext request) {
        String projectId = request.pathParam("projectId");
        authorize(request, credentials -> {
            if (!Ids.valid(projectId)) {
                throw new InvalidParameterException("projectId", Ids.MESSAGE);
            }
            return authenticator.authorize(credentials, projectId);
        });
    }

    private void projectStream(RoutingContext request) {
        String projectId = request.pathParam("projectId");
        SubscriberToken token = request.get(TOKEN);
        if (notCaughtUp(request)) {
            return;
        }
        OptionalLong lastEventId = lastEventId(request);
        long after = lastEventId.orElse(0);
        open(request, token, self -> {
            self.resumeAfter(after);
            long subscribedAt = readModel.subscribe(projectId, self, lastEventId);
            long held = lookup.held(projectId);
            if (held == 0 || held < after) {
                // Not held, or older than what the client has seen: ask progress-service (when configured) instead
                // of waiting for the project's next event, which may never come. When even the source of truth
                // is behind the client's id, that id was never issued for this project: start it over with a
                // snapshot marked not resumed, as for any id that cannot be placed.
                lookup.refresh(projectId, subscribedAt, truth -> {
                    if (truth.isPresent() && truth.get().sequence() < after) {
                        self.restart(() -> readModel.subscribe(projectId, self, OptionalLong.of(-1)));
                    }
                });
            }
            if (held < after) {
                vertx.setTimer(config.catchUpWait().toMillis(), id -> {
                    if (lookup.held(projectId) < after) {
                        self.endForRetry();
                    }
                });
            }
            return () -> readModel.unsubscribe(projectId, self);
        });
    }

    private boolean notCaughtUp(RoutingContext request) {
        try {
            lookup.requireCaughtUp();
            return false;
        } catch (ProblemException notYet) {
            refuse(request, notYet);
            return true;
        }
    }

    private void overviewStream(RoutingContext request) {
        SubscriberToken token = request.get(TOKEN);
        if (notCaughtUp(request)) {
            return;
        }
        open(request, token, self -> {
            readModel.subscribeOverview(self, token.projects()::allows, OVERVIEW_SIZE);
            return () -> readModel.unsubscribeOverview(self);
        });
    }

    /** Opens the stream within the token's connection limit; {@code subscribe} returns how to unsubscribe. */
    private void open(RoutingContext request, SubscriberToken token, Function<SseConnection, Runnable> subscribe) {
        if (request.response().closed()) {
            return;   // the client left while its token was checked: its close handler would never run
        }
        Optional<Runnable> permit = limit.acquire(token.key());
        if (permit.isEmpty()) {
            refuse(request, new TooManyConnections(limit.max(), Math.max(1, config.sse().retry().toSeconds())));
            return;
        }
        Runnable[] unsubscribe = new Runnable[1];
        SseConnection connection = new SseConnection(request.response(), vertx, config.sse(), metrics,
                tracing, token.expiresAt(), () -> {
                    permit.get().run();
                    if (unsubscribe[0] != null) {
                        unsubscribe[0].run();
                    }
                });
        connection.open();
        unsubscribe[0] = subscribe.apply(connection);
    }

    private void refuse(RoutingContext request, ProblemException refused) {
        metrics.refused(refused.status());
        RouteProblems.send(request, refused);
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
}
