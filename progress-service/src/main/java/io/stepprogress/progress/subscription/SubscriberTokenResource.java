package io.stepprogress.progress.subscription;

import io.stepprogress.event.ValidId;
import io.stepprogress.problem.InvalidParameterException;
import io.stepprogress.rest.security.ProjectAccess;
import io.stepprogress.security.Scopes;
import io.stepprogress.security.TokenIssuer.IssuedToken;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A host app's backend (a worker token) asks for a token its user's browser can follow one project with.
 * The project need not exist yet: a host app may hand out the token before it starts the run.
 */
@Path("/api/projects/{projectId}/subscriber-tokens")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "subscriber tokens", description = "Short-lived tokens for browsers to follow one project on notifier-service")
@APIResponse(responseCode = "401", description = "No bearer token, or one that is malformed, expired or not signed by a key we trust")
@APIResponse(responseCode = "403", description = "The token's scope or projects do not cover this request")
public class SubscriberTokenResource {

    public static final String SUBJECT_PATTERN = "[A-Za-z0-9._@:-]{1,128}";

    private final SubscriberTokens tokens;
    private final ProjectAccess projectAccess;

    SubscriberTokenResource(SubscriberTokens tokens, ProjectAccess projectAccess) {
        this.tokens = tokens;
        this.projectAccess = projectAccess;
    }

    /** Both optional: the subject defaults to the caller's {@code sub}, the lifetime to the configured one. */
    public record SubscriberTokenRequest(
            @Pattern(regexp = SUBJECT_PATTERN, message = "must match " + SUBJECT_PATTERN) String subject,
            Long ttlSeconds) {
    }

    public record SubscriberToken(String token, String tokenType, String projectId, String scope, String expiresAt,
                                  long expiresIn) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Scopes.WRITE)
    @Operation(summary = "Issue a " + Scopes.SUBSCRIBE + " token for this project only, to hand to a browser")
    @APIResponse(responseCode = "201", description = "Issued; the response must not be cached (Cache-Control: no-store)")
    @APIResponse(responseCode = "400", description = "Bad subject, or ttlSeconds outside 1..the configured maximum")
    @APIResponse(responseCode = "503", description = "This deployment has no signing key for subscriber tokens")
    public Response issue(@PathParam("projectId") @ValidId
                          String projectId,
                          @Valid SubscriberTokenRequest body) {
        projectAccess.require(projectId);
        Duration ttl = ttl(body == null ? null : body.ttlSeconds());
        String subject = body != null && body.subject() != null ? body.subject() : projectAccess.subject();
        if (subject == null || subject.isBlank()) {
            throw new InvalidParameterException("subject", "is required: the caller's token has no sub");
        }
        IssuedToken issued = tokens.issue(projectId, subject, ttl);
        return Response.status(Response.Status.CREATED)
                // A bearer credential: no proxy or browser cache may keep it.
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .entity(new SubscriberToken(issued.token(), "Bearer", projectId, Scopes.SUBSCRIBE,
                        issued.expiresAt().toString(), ttl.toSeconds()))
                .build();
    }

    private Duration ttl(Long seconds) {
        if (seconds == null) {
            return tokens.defaultTtl();
        }
        long max = tokens.maxTtl().toSeconds();
        if (seconds < 1 || seconds > max) {
            throw new InvalidParameterException("ttlSeconds", "must be between 1 and " + max);
        }
        return Duration.ofSeconds(seconds);
    }
}
