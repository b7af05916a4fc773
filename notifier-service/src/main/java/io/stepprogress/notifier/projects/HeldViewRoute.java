package io.stepprogress.notifier.projects;

import io.stepprogress.event.Ids;
import io.stepprogress.event.InitializationView;
import io.stepprogress.notifier.readmodel.ProjectLookup;
import io.stepprogress.notifier.readmodel.ProjectReadModel;
import io.stepprogress.notifier.subscriber.Credentials;
import io.stepprogress.notifier.subscriber.SubscriberAuthenticator;
import io.stepprogress.problem.ProblemException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;

/**
 * {@code GET /api/projects/{projectId}/progress} when everything goes right, as a plain Vert.x route: a valid id,
 * a caught-up read model that holds the project, and a subscriber token that allows it. That is nearly every
 * poll, and here it costs the read model's lookup and a cached body. Anything else (a refusal, a project to load
 * from progress-service, a model still loading) goes on to {@link ProjectsResource#progress}, which answers it as
 * before: the contract (statuses, problem details, OpenAPI) stays in one place.
 * <p>
 * Why a second route: in the notifier's CPU profile of this GET, the JAX-RS pipeline around the resource
 * (request scope, parameter validation, security and context-propagation interceptors, writer lookup) cost
 * more than the answer itself; see docs/benchmarks.md ("get").
 */
@ApplicationScoped
public class HeldViewRoute {

    private final ProjectReadModel readModel;
    private final SubscriberAuthenticator authenticator;
    private final ProjectLookup lookup;
    private final RenderedViews rendered;

    HeldViewRoute(ProjectReadModel readModel, SubscriberAuthenticator authenticator, ProjectLookup lookup,
                  RenderedViews rendered) {
        this.readModel = readModel;
        this.authenticator = authenticator;
        this.lookup = lookup;
        this.rendered = rendered;
    }

    void register(@Observes Router router) {
        router.get("/api/projects/:projectId/progress").handler(this::serve);
    }

    private void serve(RoutingContext request) {
        String projectId = request.pathParam("projectId");
        Optional<InitializationView> held = Ids.valid(projectId) && lookup.caughtUp() && allowed(request, projectId)
                ? readModel.view(projectId) : Optional.empty();
        if (held.isEmpty()) {
            request.next();
            return;
        }
        request.response()
                .putHeader("Content-Type", RenderedViews.CONTENT_TYPE)
                .putHeader("Cache-Control", RenderedViews.NO_STORE)
                .end(Buffer.buffer(rendered.json(projectId, held.get())));
    }

    /** A refusal is left for the resource to report, with its problem details. */
    private boolean allowed(RoutingContext request, String projectId) {
        try {
            authenticator.authorize(Credentials.from(request.request()), projectId);
            return true;
        } catch (ProblemException refused) {
            return false;
        }
    }
}
