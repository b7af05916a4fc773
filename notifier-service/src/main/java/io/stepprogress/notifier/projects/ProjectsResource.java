package io.stepprogress.notifier.projects;

import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.ValidId;
import io.stepprogress.notifier.readmodel.ProjectLookup;
import io.stepprogress.notifier.readmodel.ProjectReadModel;
import io.stepprogress.notifier.subscriber.Credentials;
import io.stepprogress.notifier.subscriber.SubscriberAuthenticator;
import io.stepprogress.notifier.subscriber.SubscriberToken;
import io.stepprogress.problem.InvalidParameterException;
import io.stepprogress.problem.ProblemException;
import io.smallrye.common.annotation.NonBlocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.security.PermitAll;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseHeader;

/**
 * Reads served from the in-memory read model once it has caught up (503 before), and a project it does not hold
 * from progress-service when one is configured (see {@link ProjectLookup}). Each needs a
 * subscriber token (session cookie or bearer header), checked by the same {@link SubscriberAuthenticator} as
 * the streams, and shows only the projects its patterns allow.
 */
@Path("/api/projects")
@Produces(MediaType.APPLICATION_JSON)
@PermitAll // not anonymous: the credential may be a cookie, which only SubscriberAuthenticator reads
// Reads from memory and checks an already verified token: no reason to hop to a worker thread and back.
@NonBlocking
@Tag(name = "projects", description = "Latest progress of projects, from the notifier's read model")
public class ProjectsResource {

    private static final String NO_STORE = RenderedViews.NO_STORE;
    private static final MediaType JSON_UTF8 = MediaType.valueOf(RenderedViews.CONTENT_TYPE);

    private final ProjectReadModel readModel;
    private final SubscriberAuthenticator authenticator;
    private final ProjectLookup lookup;

    ProjectsResource(ProjectReadModel readModel, SubscriberAuthenticator authenticator, ProjectLookup lookup) {
        this.readModel = readModel;
        this.authenticator = authenticator;
        this.lookup = lookup;
    }

    @GET
    @Path("/{projectId}/progress") // Cache-Control set on the Response: @ResponseHeader skips a returned Response
    @Operation(summary = "The project's latest view")
    @APIResponse(responseCode = "200", description = "The project's latest view",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = InitializationView.class)))
    public Uni<Response> progress(
            @PathParam("projectId") @ValidId
            String projectId,
            @Context HttpHeaders headers) {
        authenticator.authorize(credentials(headers), projectId);
        lookup.requireCaughtUp();
        Optional<InitializationView> held = readModel.view(projectId);
        if (held.isPresent()) {
            // Rare here: HeldViewRoute answers held views (with their cached bytes) before this resource is reached;
            // what is left is a HEAD, or a view that arrived between the route and this method.
            return Uni.createFrom().item(json(held.get()));
        }
        // Not in memory: progress-service may know it (older than what was loaded, or evicted). Off the event loop.
        return Uni.createFrom().item(() -> lookup.load(projectId).orElseThrow(() -> new UnknownProject(projectId)))
                .map(ProjectsResource::json)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private static Response json(InitializationView view) {
        return Response.ok(view, JSON_UTF8).header("Cache-Control", NO_STORE).build();
    }

    @GET
    @ResponseHeader(name = "Cache-Control", value = NO_STORE)
    @Operation(summary = "Recent projects, most recently updated first")
    public List<InitializationView> recent(
            @QueryParam("status") @Pattern(regexp = "pending|running|completed|failed|cancelled",
                    message = "must be one of pending, running, completed, failed, cancelled") String status,
            @QueryParam("limit") String limit,
            @Context HttpHeaders headers) {
        SubscriberToken token = authenticator.authenticate(credentials(headers));
        lookup.requireCaughtUp();
        return readModel.recent(Optional.ofNullable(status).map(InitializationStatus::fromWire),
                token.projects()::allows, InvalidParameterException.intParameter("limit", limit, 50, 1, 500));
    }

    private static Credentials credentials(HttpHeaders headers) {
        return Credentials.from(headers.getHeaderString(HttpHeaders.AUTHORIZATION),
                headers.getRequestHeader(HttpHeaders.COOKIE));
    }

    static final class UnknownProject extends ProblemException {
        UnknownProject(String projectId) {
            super(404, "Unknown project", "project '" + projectId + "' is not known (no event of it has been seen)");
        }
    }
}
