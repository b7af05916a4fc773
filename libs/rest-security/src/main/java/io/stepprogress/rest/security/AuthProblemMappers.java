package io.stepprogress.rest.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.stepprogress.problem.ProblemMappers;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jose4j.jwt.consumer.InvalidJwtException;

/**
 * Quarkus security's failures as problem details. Needs {@code quarkus.http.auth.proactive=false}, so
 * authentication happens when a resource asks for it and its failures reach these mappers.
 */
public class AuthProblemMappers {

    public static final String EXPIRED = "the bearer token has expired";

    private final ProblemMappers problems;

    AuthProblemMappers(ProblemMappers problems) {
        this.problems = problems;
    }

    @ServerExceptionMapper
    public Response invalidToken(AuthenticationFailedException e, UriInfo uri) {
        return problems.problem(AuthenticationRequired.invalid(describe(e)), uri);
    }

    @ServerExceptionMapper
    public Response noToken(UnauthorizedException e, UriInfo uri) {
        return problems.problem(AuthenticationRequired.missing(), uri);
    }

    @ServerExceptionMapper
    public Response notAllowed(ForbiddenException e, UriInfo uri) {
        return problems.problem(AccessDenied.scope(), uri);
    }

    /** Says which rule the token broke, in words that reveal nothing about our keys. */
    public static String describe(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidJwtException invalid && invalid.hasExpired()) {
                return EXPIRED;
            }
        }
        return "the bearer token is malformed, expired, or not signed by a key we trust";
    }
}
