package io.stepprogress.notifier.subscriber;

import io.stepprogress.event.Ids;
import io.stepprogress.notifier.NotifierConfig;
import io.stepprogress.problem.InvalidParameterException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Turns a subscriber token into a browser session. The host application's backend gets the token from
 * progress-service and hands its user a link {@code https://<notifier>/#token=<jwt>}: the fragment never
 * reaches a server (nor a log, nor a Referer), and the page posts it here once as a bearer header. From then
 * on the browser holds it only as an HttpOnly cookie (see {@link SessionCookie}), which EventSource sends by
 * itself, so the token never travels in a URL.
 */
@Path("/api/session")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll // the credential is checked here by SubscriberAuthenticator, which also reads the cookie
@Tag(name = "session", description = "Exchange a subscriber token for an HttpOnly session cookie")
public class SessionResource {

    private final SubscriberAuthenticator authenticator;
    private final NotifierConfig.Session config;
    private final Clock clock = Clock.systemUTC();

    SessionResource(SubscriberAuthenticator authenticator, NotifierConfig config) {
        this.authenticator = authenticator;
        this.config = config.session();
    }

    @POST
    @Operation(summary = "Sign in: the subscriber token in the Authorization header becomes a session cookie")
    public Response open(@Context HttpHeaders headers, @Context HttpServerRequest request) {
        SubscriberToken token = authenticator.authenticate(
                Credentials.bearerOnly(headers.getHeaderString(HttpHeaders.AUTHORIZATION)));
        SessionView view = SessionView.of(token);
        long maxAge = Duration.between(clock.instant(), token.expiresAt()).toSeconds();
        return noStore(Response.ok(view))
                .header("Set-Cookie", SessionCookie.set(token.token(), view.path(), maxAge, config, https(request)))
                .build();
    }

    @GET
    @Operation(summary = "The session the presented cookie (or bearer header) stands for")
    public Response current(@Context HttpHeaders headers) {
        SubscriberToken token = authenticator.authenticate(Credentials.from(
                headers.getHeaderString(HttpHeaders.AUTHORIZATION), headers.getRequestHeader(HttpHeaders.COOKIE)));
        return noStore(Response.ok(SessionView.of(token))).build();
    }

    /** Signing out needs no credential: it only tells the browser to forget its own cookies. */
    @DELETE
    @Operation(summary = "Sign out: clears the session cookies (of all projects, and of one with projectId)")
    public Response close(@QueryParam("projectId") String projectId, @Context HttpServerRequest request) {
        if (projectId != null && !Ids.valid(projectId)) {
            throw new InvalidParameterException("projectId", Ids.MESSAGE);
        }
        boolean https = https(request);
        Response.ResponseBuilder response = noStore(Response.noContent())
                .header("Set-Cookie", SessionCookie.clear(SessionCookie.ALL_PROJECTS_PATH, config, https));
        if (projectId != null) {
            response.header("Set-Cookie", SessionCookie.clear(SessionCookie.projectPath(projectId), config, https));
        }
        return response.build();
    }

    /** The scheme as the client used it: Quarkus applies X-Forwarded-Proto when proxy forwarding is on. */
    private static boolean https(HttpServerRequest request) {
        return request.isSSL() || "https".equalsIgnoreCase(request.scheme());
    }

    private static Response.ResponseBuilder noStore(Response.ResponseBuilder response) {
        return response.header("Cache-Control", "no-store");
    }
}
