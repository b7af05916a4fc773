package io.stepprogress.notifier.sse;

import io.stepprogress.problem.Problem;
import io.stepprogress.problem.ProblemException;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Problem details from the Vert.x routes, the same bodies and headers the JAX-RS problem mappers send. */
final class RouteProblems {

    private RouteProblems() {
    }

    static void send(RoutingContext request, ProblemException e) {
        Problem problem = Problem.of(e.status(), e.title(), e.getMessage(), request.request().path(), List.of());
        var response = request.response().setStatusCode(e.status()).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .putHeader("Cache-Control", "no-store");
        e.headers().forEach(response::putHeader);
        response.end(Json.encode(problem));
    }
}
