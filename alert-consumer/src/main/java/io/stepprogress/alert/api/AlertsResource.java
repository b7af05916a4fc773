package io.stepprogress.alert.api;

import io.stepprogress.alert.state.Alert;
import io.stepprogress.alert.state.AlertType;
import io.stepprogress.alert.state.Initializations;
import io.stepprogress.problem.InvalidParameterException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The active alerts, from memory. */
@Path("/api/alerts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "alerts", description = "Stalled and failed initializations")
public class AlertsResource {

    private final Initializations state;

    AlertsResource(Initializations state) {
        this.state = state;
    }

    @GET
    @Operation(summary = "Active alerts, oldest first; ?type=stalled|failed filters")
    public List<Alert> alerts(@QueryParam("type") String type) {
        return state.alerts(parse(type));
    }

    private static Optional<AlertType> parse(String type) {
        if (type == null || type.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(AlertType.fromWire(type.trim()).orElseThrow(
                () -> new InvalidParameterException("type", "must be one of " + AlertType.WIRE_NAMES)));
    }
}
