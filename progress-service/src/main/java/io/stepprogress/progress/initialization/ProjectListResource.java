package io.stepprogress.progress.initialization;

import io.stepprogress.event.Ids;
import io.stepprogress.event.InitializationView;
import io.stepprogress.problem.InvalidParameterException;
import io.stepprogress.rest.security.ProjectAccess;
import io.stepprogress.security.ProjectPatterns;
import io.stepprogress.security.Scopes;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Operators' listing of current views, read from PostgreSQL: how a notifier instance loads its read model on
 * start instead of replaying the topic. Only the projects the token's patterns allow are listed.
 */
// Rooted at /api, not /api/projects: a second root class on /api/projects would win the match for
// /api/projects/{id}/... and turn a wrong method there (405) into a 404.
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "initialization")
@APIResponse(responseCode = "401", description = "No bearer token, or one that is malformed, expired or not signed by a key we trust")
@APIResponse(responseCode = "403", description = "The token's scope is not progress:operator")
public class ProjectListResource {

    static final int MAX_LIMIT = 1000;

    private final InitializationRepository repository;
    private final InitializationService service;
    private final ProjectAccess projectAccess;

    ProjectListResource(InitializationRepository repository, InitializationService service,
                        ProjectAccess projectAccess) {
        this.repository = repository;
        this.service = service;
        this.projectAccess = projectAccess;
    }

    /** A page, and the {@code after} value of the next one (null on the last page). */
    public record ProjectPage(List<InitializationView> projects, String next) {
    }

    @GET
    @Path("/projects")
    @Operation(summary = "Current views, most recently updated first, in pages",
            description = "Keyset pagination: pass the previous page's next as after until next is null. "
                    + "updatedSince (an ISO-8601 instant) keeps the projects updated at or after it.")
    @APIResponse(responseCode = "400", description = "A parameter that does not parse")
    @RolesAllowed(Scopes.OPERATOR)
    public ProjectPage list(@QueryParam("updatedSince") String updatedSince, @QueryParam("after") String after,
                            @QueryParam("limit") String limit) {
        ProjectPatterns patterns = projectAccess.patterns();
        int size = InvalidParameterException.intParameter("limit", limit, 100, 1, MAX_LIMIT);
        if (patterns.patterns().isEmpty()) {
            return new ProjectPage(List.of(), null);
        }
        List<Initialization> page = repository.page(instant(updatedSince), cursor(after),
                patterns.unrestricted() ? null : patterns.patterns().stream().map(ProjectListResource::like).toList(),
                size);
        String next = null;
        if (page.size() == size) {
            Initialization last = page.get(page.size() - 1);
            next = micros(last.updatedAt()) + ":" + last.projectId();
        }
        return new ProjectPage(page.stream().map(service::view).toList(), next);
    }

    /** A project pattern as SQL LIKE: {@code *} is any run of id characters, and ids hold no {@code %}. */
    static String like(String pattern) {
        return pattern.replace("\\", "\\\\").replace("_", "\\_").replace("*", "%");
    }

    private static Instant instant(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new InvalidParameterException("updatedSince", "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }

    private static InitializationRepository.PageKey cursor(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        int colon = value.indexOf(':');
        long micros = colon > 0
                ? InvalidParameterException.asciiInteger(value.substring(0, colon)).orElse(Long.MIN_VALUE)
                : Long.MIN_VALUE;
        String projectId = colon > 0 ? value.substring(colon + 1) : "";
        if (micros == Long.MIN_VALUE || !Ids.valid(projectId)) {
            throw new InvalidParameterException("after", "must be the next value of a previous page");
        }
        return new InitializationRepository.PageKey(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1_000L), projectId);
    }

    /** PostgreSQL keeps microseconds: the cursor carries exactly what the next page compares with. */
    private static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000L);
    }
}
