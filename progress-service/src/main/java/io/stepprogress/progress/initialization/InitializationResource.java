package io.stepprogress.progress.initialization;

import io.stepprogress.event.InitializationView;
import io.stepprogress.event.ValidId;
import io.stepprogress.progress.initialization.ProgressRequests.CancelRequest;
import io.stepprogress.progress.initialization.ProgressRequests.CompleteRequest;
import io.stepprogress.progress.initialization.ProgressRequests.FailRequest;
import io.stepprogress.progress.initialization.ProgressRequests.PlanRequest;
import io.stepprogress.progress.initialization.ProgressRequests.ProgressRequest;
import io.stepprogress.rest.security.ProjectAccess;
import io.stepprogress.security.Scopes;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Workers' API. {@code @RolesAllowed} checks the token's scope before the body is read; the first line of
 * each method checks its project patterns, before any data is read or written, so a refused request
 * leaves no trace and emits no event.
 * <p>
 * The step commands return a {@link CompletionStage}, so RESTEasy Reactive runs them on the event loop: they
 * check, queue the command for the group commit and return; the answer is written from the event loop when its
 * transaction has committed. No worker thread is handed the request or parked while it waits (at 1,250
 * updates/s those worker threads took 8 % of the machine's CPU samples, a third of it in the kernel waking and
 * switching threads: docs/benchmarks.md, results at e264f11).
 * <p>
 * Well-formed progress updates are answered by {@link ProgressUpdateRoute} before they reach this resource, with its
 * rules; this method answers the rest and remains the contract (OpenAPI, validation, statuses).
 */
@Path("/api/projects/{projectId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "initialization", description = "Start a project's initialization and report its steps' progress")
@APIResponse(responseCode = "401", description = "No bearer token, or one that is malformed, expired or not signed by a key we trust")
@APIResponse(responseCode = "403", description = "The token's scope or projects do not cover this request")
public class InitializationResource {

    private final InitializationService service;
    private final ProgressConfig config;
    private final ProjectAccess projectAccess;

    InitializationResource(InitializationService service, ProgressConfig config, ProjectAccess projectAccess) {
        this.service = service;
        this.config = config;
        this.projectAccess = projectAccess;
    }

    @PUT
    @Path("/initialization")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start an initialization with a plan (the configured default plan without a body)",
            description = "Idempotent: the same request again, however late, answers the run it started. Without "
                    + "run, it starts run 1 of a new project, or answers the current run when it has this plan "
                    + "(in progress or finished). A new run of a finished project is explicit: run = current + 1.")
    @APIResponse(responseCode = "201", description = "Started (a new project, or the next run of a finished one)")
    @APIResponse(responseCode = "200", description = "The run asked for already has this plan: nothing changed")
    @APIResponse(responseCode = "409", description = "Another plan in this run, the next run while this one is in "
            + "progress, or a run number that is neither the current nor the next")
    @RolesAllowed(Scopes.WRITE)
    public Response start(@PathParam("projectId") @ValidId
                          String projectId,
                          @QueryParam("run") @Min(value = 1, message = "must be 1 or more") Integer run,
                          @Valid PlanRequest body) {
        projectAccess.require(projectId);
        Plan plan = body == null ? config.defaultPlanValue() : body.toPlan();
        InitializationService.Started started = service.start(projectId, plan, run);
        if (!started.created()) {
            return Response.ok(started.view()).build();
        }
        return Response.created(UriBuilder.fromResource(InitializationResource.class).path("progress")
                .build(projectId)).entity(started.view()).build();
    }

    @POST
    @Path("/steps/{step}/progress")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Report a step's progress (0..100, never lower than before); starts a pending step")
    @APIResponse(responseCode = "409", description = "Regression, or the step or initialization is finished")
    @APIResponse(responseCode = "503", description = "Overloaded: the relay is behind, so a share of progress updates "
            + "is refused before anything is read or written (status changes never are). Send the newest progress "
            + "again after Retry-After")
    @RolesAllowed(Scopes.WRITE)
    public CompletionStage<InitializationView> reportProgress(
            @PathParam("projectId") @ValidId String projectId,
            @PathParam("step") @ValidId String step,
            @NotNull(message = "a JSON body with progress is required") @Valid ProgressRequest body) {
        projectAccess.require(projectId);
        return service.reportProgress(projectId, step, body.progress(), body.message());
    }

    @POST
    @Path("/steps/{step}/complete")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Complete a step; completing the last step completes the initialization")
    @RolesAllowed(Scopes.WRITE)
    public CompletionStage<InitializationView> complete(
            @PathParam("projectId") @ValidId String projectId,
            @PathParam("step") @ValidId String step,
            @Valid CompleteRequest body) {
        projectAccess.require(projectId);
        return service.complete(projectId, step, body == null ? null : body.message());
    }

    @POST
    @Path("/steps/{step}/fail")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Fail a step, and with it the initialization")
    @RolesAllowed(Scopes.WRITE)
    public CompletionStage<InitializationView> fail(
            @PathParam("projectId") @ValidId String projectId,
            @PathParam("step") @ValidId String step,
            @NotNull(message = "a JSON body with a reason is required") @Valid FailRequest body) {
        projectAccess.require(projectId);
        return service.fail(projectId, step, body.reason());
    }

    @POST
    @Path("/initialization/cancel")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Cancel the initialization")
    @RolesAllowed(Scopes.WRITE)
    public CompletionStage<InitializationView> cancel(
            @PathParam("projectId") @ValidId String projectId,
            @Valid CancelRequest body) {
        projectAccess.require(projectId);
        return service.cancel(projectId, body == null ? null : body.reason());
    }

    @GET
    @Path("/progress")
    @Operation(summary = "The initialization's current view, read from PostgreSQL")
    @RolesAllowed({Scopes.WRITE, Scopes.OPERATOR})
    public InitializationView progress(
            @PathParam("projectId") @ValidId String projectId) {
        projectAccess.require(projectId);
        return service.view(projectId);
    }
}
