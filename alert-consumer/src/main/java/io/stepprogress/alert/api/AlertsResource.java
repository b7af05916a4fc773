package io.stepprogress.alert.api;

import io.stepprogress.alert.state.Alert;
import io.stepprogress.alert.state.AlertType;
import io.stepprogress.alert.state.AlertState;
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
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The active alerts, from memory, for operators only: each token sees the alerts of the projects its
 * {@code projects} patterns allow, and nothing tells it that others exist.
 */
@Path("/api/alerts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "alerts", description = "Stalled and failed initializations")
@RolesAllowed(Scopes.OPERATOR)
public class AlertsResource {

    private final AlertState state;
    private final ProjectAccess access;

    AlertsResource(AlertState state, ProjectAccess access) {
        this.state = state;
        this.access = access;
    }

    @GET
    @Operation(summary = "Active alerts of the token's projects, oldest first; ?type=stalled|failed filters")
    public List<Alert> alerts(@QueryParam("type") String type) {
        Optional<AlertType> wanted = parse(type);
        ProjectPatterns patterns = access.patterns();
        return state.alerts(wanted).stream().filter(alert -> patterns.allows(alert.projectId())).toList();
    }

    private static Optional<AlertType> parse(String type) {
        if (type == null || type.isBlank()) {
            return Optional.empty();
        }
        // strip(), not trim(): trim() also drops NUL and other controls, and "stalled\u0000" is no type.
        return Optional.of(AlertType.fromWire(type.strip()).orElseThrow(
                () -> new InvalidParameterException("type", "must be one of " + AlertType.WIRE_NAMES)));
    }
}
