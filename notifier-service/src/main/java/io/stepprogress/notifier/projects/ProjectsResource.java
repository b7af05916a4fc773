package io.stepprogress.notifier.projects;

import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.Ids;
import io.stepprogress.event.InitializationView;
import io.stepprogress.notifier.readmodel.ProjectReadModel;
import io.stepprogress.problem.InvalidParameterException;
import io.stepprogress.problem.ProblemException;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Reads served from the in-memory read model: no database, no call to progress-service. */
@Path("/api/projects")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "projects", description = "Latest progress of projects, from the notifier's read model")
public class ProjectsResource {

    private final ProjectReadModel readModel;

    ProjectsResource(ProjectReadModel readModel) {
        this.readModel = readModel;
    }

    @GET
    @Path("/{projectId}/progress")
    @Operation(summary = "The project's latest view")
    public InitializationView progress(
            @PathParam("projectId") @Pattern(regexp = Ids.PATTERN, message = "must match " + Ids.PATTERN)
            String projectId) {
        return readModel.view(projectId).orElseThrow(() -> new UnknownProject(projectId));
    }

    @GET
    @Operation(summary = "Recent projects, most recently updated first")
    public List<InitializationView> recent(
            @QueryParam("status") @Pattern(regexp = "pending|running|completed|failed|cancelled",
                    message = "must be one of pending, running, completed, failed, cancelled") String status,
            @QueryParam("limit") String limit) {
        return readModel.recent(Optional.ofNullable(status).map(InitializationStatus::fromWire),
                InvalidParameterException.intParameter("limit", limit, 50, 1, 500));
    }

    static final class UnknownProject extends ProblemException {
        UnknownProject(String projectId) {
            super(404, "Unknown project", "no event of project '" + projectId + "' has been seen");
        }
    }
}
