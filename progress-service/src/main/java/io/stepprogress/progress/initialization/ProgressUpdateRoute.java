package io.stepprogress.progress.initialization;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.stepprogress.event.Ids;
import io.stepprogress.problem.ProblemException;
import io.stepprogress.problem.ProblemMappers;
import io.stepprogress.progress.initialization.ProgressRequests.ProgressRequest;
import io.stepprogress.progress.overload.ProgressUpdateShedding;
import io.stepprogress.rest.security.TokenProjects;
import io.stepprogress.security.Scopes;
import io.quarkus.security.identity.IdentityProviderManager;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * {@code POST /api/projects/{projectId}/steps/{step}/progress}, the write path's hottest request, as a plain Vert.x
 * route in front of {@link InitializationResource#reportProgress}. What the resource decides before it reads the body
 * is checked here first, and anything that is not plainly a well-formed request of a caller who may make it (an
 * invalid id, no or a refused token, no JSON body or a large one) goes on to the resource untouched, which answers it
 * as before. A request taken here is answered here, with the resource's own rules: the same load shedding, the same
 * Bean Validation of the same method's parameters, the same command, and the same problem details
 * ({@link ProblemMappers}), so statuses, bodies and OpenAPI stay those of the resource.
 * <p>
 * Why a second route: in progress-service's CPU profile at 500 updates/s, the JAX-RS pipeline around this method
 * (request scope, the security and validation interceptors, context propagation, a request mapper built per request
 * for the metrics' path template, reader and writer lookup) took more of the event loop than the command; see
 * docs/benchmarks.md. The notifier's held-view GET does the same ({@code HeldViewRoute}).
 */
@ApplicationScoped
public class ProgressUpdateRoute {

    static final String ROUTE = "/api/projects/:projectId/steps/:step/progress";
    /** The path template the resource's requests are measured and traced under; kept for these too. */
    static final String TEMPLATE = "/api/projects/{projectId}/steps/{step}/progress";
    /** Quarkus REST's key for that template (its ObservabilityUtil, not public), read by Micrometer and OpenTelemetry. */
    private static final String TEMPLATE_KEY = "UrlPathTemplate";
    /** A progress update is a few dozen bytes (a message at most 1,000 characters); larger bodies go the long way. */
    static final int MAX_BODY_BYTES = 8 * 1024;
    private static final String JSON = "application/json;charset=UTF-8";

    private final InitializationService service;
    private final InitializationResource resource;
    private final ProgressUpdateShedding shedding;
    private final ObjectMapper mapper;
    private final Validator validator;
    private final ProblemMappers problems;
    private final IdentityProviderManager identities;
    private final Method reportProgress;
    /** Requests this route answered itself (tests tell the two paths apart by it). */
    private final LongAdder answered = new LongAdder();

    ProgressUpdateRoute(InitializationService service, InitializationResource resource,
                        ProgressUpdateShedding shedding, ObjectMapper mapper, Validator validator,
                        ProblemMappers problems, IdentityProviderManager identities) throws NoSuchMethodException {
        this.service = service;
        this.resource = resource;
        this.shedding = shedding;
        this.mapper = mapper;
        this.validator = validator;
        this.problems = problems;
        this.identities = identities;
        this.reportProgress = InitializationResource.class.getMethod("reportProgress", String.class, String.class,
                ProgressRequest.class);
    }

    void register(@Observes Router router) {
        router.post(ROUTE).handler(this::serve);
    }

    private void serve(RoutingContext request) {
        String projectId = request.pathParam("projectId");
        String step = request.pathParam("step");
        if (!Ids.valid(projectId) || !Ids.valid(step) || !smallJsonBody(request)
                || request.request().getHeader(HttpHeaders.AUTHORIZATION) == null
                || request.request().getHeader(HttpHeaders.EXPECT) != null) {
            request.next();
            return;
        }
        // Measured and traced under the resource's template, also when refused here (not per project id).
        ((HttpServerRequestInternal) request.request()).context().putLocal(TEMPLATE_KEY, TEMPLATE);
        try {
            shedding.admit(request);
        } catch (ProblemException refused) {
            answered.increment();
            answer(request, problems.problem(refused, request.request().path()));
            return;
        }
        // The body stays unread while the token is checked: a request handed on is read by the resource.
        request.request().pause();
        Context context = Vertx.currentContext();
        QuarkusHttpUser.getSecurityIdentity(request, identities).subscribe().with(
                identity -> onContext(context, () -> authorized(request, context, identity, projectId, step)),
                failure -> onContext(context, request::next));
    }

    private void authorized(RoutingContext request, Context context, SecurityIdentity identity, String projectId,
                            String step) {
        if (identity == null || identity.isAnonymous() || !identity.hasRole(Scopes.WRITE)
                || !(identity.getPrincipal() instanceof JsonWebToken token)
                || !TokenProjects.of(token).allows(projectId)) {
            request.next(); // the resource refuses it, with its 401 or 403
            return;
        }
        request.request().body()
                .onSuccess(body -> update(request, context, projectId, step, body))
                .onFailure(failure -> request.next());
        request.request().resume();
    }

    private void update(RoutingContext request, Context context, String projectId, String step, Buffer body) {
        answered.increment();
        String path = request.request().path();
        ProgressRequest progress;
        try {
            progress = mapper.readValue(body.getBytes(), ProgressRequest.class);
        } catch (JsonProcessingException malformed) {
            answer(request, problems.unreadable(malformed, path));
            return;
        } catch (IOException unreadable) {
            answer(request, problems.unreadableBody(unreadable, path));
            return;
        }
        Set<ConstraintViolation<InitializationResource>> violations = validator.forExecutables()
                .validateParameters(resource, reportProgress, new Object[] {projectId, step, progress});
        if (!violations.isEmpty()) {
            answer(request, problems.invalid(new ConstraintViolationException(violations), path));
            return;
        }
        CompletionStage<?> committed;
        try {
            committed = service.reportProgress(projectId, step, progress.progress(), progress.message());
        } catch (RuntimeException refused) {
            answer(request, failure(refused, path));
            return;
        }
        // Answered on the request's own context, as the resource does: the group commit's thread only commits.
        committed.whenComplete((view, failure) -> onContext(context, () -> {
            if (failure != null) {
                answer(request, failure(failure, path));
                return;
            }
            try {
                request.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                        .end(Buffer.buffer(mapper.writeValueAsBytes(view)));
            } catch (JsonProcessingException e) {
                answer(request, problems.unexpected(e, path));
            }
        }));
    }

    private Response failure(Throwable failure, String path) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof ProblemException refused
                ? problems.problem(refused, path) : problems.unexpected(cause, path);
    }

    /** Quarkus REST reads {@code application/json} with any parameters; a body must have been announced. */
    private static boolean smallJsonBody(RoutingContext request) {
        String type = request.request().getHeader(HttpHeaders.CONTENT_TYPE);
        String length = request.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (type == null || length == null || !type.regionMatches(true, 0, "application/json", 0, 16)
                || (type.length() > 16 && type.charAt(16) != ';' && type.charAt(16) != ' ')) {
            return false;
        }
        try {
            long bytes = Long.parseLong(length.trim());
            return bytes > 0 && bytes <= MAX_BODY_BYTES;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    long answered() {
        return answered.sum();
    }

    /** Token checks may complete on another thread; the request is served on its own context. */
    private static void onContext(Context context, Runnable work) {
        if (context == null || Vertx.currentContext() == context) {
            work.run();
        } else {
            context.runOnContext(ignored -> work.run());
        }
    }

    /** Writes a problem (or any response the mappers built) as the resource would have. */
    private static void answer(RoutingContext request, Response response) {
        HttpServerResponse out = request.response();
        if (out.ended()) {
            return;
        }
        out.setStatusCode(response.getStatus());
        response.getStringHeaders().forEach((name, values) -> values.forEach(value -> out.putHeader(name, value)));
        Object entity = response.getEntity();
        out.end(entity == null ? Buffer.buffer() : Buffer.buffer(entity.toString()));
    }
}
