package io.stepprogress.progress.relay;

import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * The relay's state, in its own group ({@code /q/health/group/relay}) and not in readiness: when Kafka is
 * down the write API must stay in service, because its events wait safely in the WAL.
 */
@HealthGroup("relay")
@ApplicationScoped
public class RelayHealthCheck implements HealthCheck {

    private final OutboxRelay relay;
    private final SlotLagProbe slotLag;

    RelayHealthCheck(OutboxRelay relay, SlotLagProbe slotLag) {
        this.relay = relay;
        this.slotLag = slotLag;
    }

    @Override
    public HealthCheckResponse call() {
        RelayState state = relay.state();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("outbox-relay")
                .status(state == RelayState.RUNNING || state == RelayState.STARTING)
                .withData("state", state.name())
                .withData("pendingWalBytes", slotLag.pendingBytes());
        String error = relay.lastError();
        if (error != null && state != RelayState.RUNNING) {
            response.withData("lastError", error);
        }
        return response.build();
    }
}
