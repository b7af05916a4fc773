package io.stepprogress.audit.api;

import io.stepprogress.audit.log.AuditEntry;
import io.stepprogress.audit.log.AuditLog;
import io.stepprogress.event.ValidId;
import io.stepprogress.problem.InvalidParameterException;
import io.stepprogress.problem.ProblemException;
import io.stepprogress.rest.security.ProjectAccess;
import io.stepprogress.security.Scopes;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The audit log, for operators only: every endpoint needs the operator scope, and answers only about the
 * projects the token's {@code projects} patterns allow.
 */
@Path("/api/audit")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "audit", description = "Every recorded event, in sequence order")
@RolesAllowed(Scopes.OPERATOR)
public class AuditResource {

    static final int DEFAULT_PAGE_SIZE = 100;

    private final AuditLog log;
    private final ProjectAccess access;
    private final int maxPageSize;

    AuditResource(AuditLog log, ProjectAccess access,
                  @ConfigProperty(name = "audit.max-page-size", defaultValue = "1000") int maxPageSize) {
        this.log = log;
        this.access = access;
        this.maxPageSize = maxPageSize;
    }

    /**
     * A page of a project's history.
     *
     * @param nextAfterSequence pass it as {@code afterSequence} for the next page; null on the last page
     */
    public record Page(String projectId, List<AuditEntry> events, Long nextAfterSequence) {
    }

    @GET
    @Path("/projects/{projectId}/events")
    @Operation(summary = "A project's recorded events after a sequence, in order; limit is capped")
    public Page projectEvents(
            @PathParam("projectId") @ValidId String projectId,
            @QueryParam("afterSequence") String afterSequence,
            @QueryParam("limit") String limit) {
        access.require(projectId); // the project id is in the request: saying 403 reveals nothing new
        long after = afterSequence == null || afterSequence.isBlank() ? 0 : parseAfter(afterSequence);
        int size = InvalidParameterException.intParameter("limit", limit, DEFAULT_PAGE_SIZE, 1, Integer.MAX_VALUE);
        size = Math.min(size, maxPageSize);
        List<AuditEntry> events = log.page(projectId, after, size);
        Long next = events.size() == size ? events.get(events.size() - 1).sequence() : null;
        return new Page(projectId, events, next);
    }

    @GET
    @Path("/events/{eventId}")
    @Operation(summary = "One recorded event by its id")
    public AuditEntry event(@PathParam("eventId") String eventId) {
        UUID id;
        try {
            id = UUID.fromString(eventId);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("eventId", "must be a UUID");
        }
        // An event of a project the token may not see answers exactly like an unknown id, not 403: a 403
        // would tell the caller that this id exists, and so let it probe for events (and their projects)
        // it has no right to know about.
        return log.find(id).filter(entry -> access.patterns().allows(entry.event().projectId()))
                .orElseThrow(() -> new UnknownEvent(eventId));
    }

    private static long parseAfter(String value) {
        OptionalLong parsed = InvalidParameterException.asciiInteger(value);
        if (parsed.isPresent() && parsed.getAsLong() >= 0) {
            return parsed.getAsLong();
        }
        throw new InvalidParameterException("afterSequence", "must be a non-negative integer");
    }

    static final class UnknownEvent extends ProblemException {
        UnknownEvent(String eventId) {
            super(404, "Unknown event", "no event '" + eventId + "' is recorded");
        }
    }
}
