package io.stepprogress.progress.relay;

import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * The relay's state, in its own group ({@code /q/health/group/relay}) and not in readiness: when Kafka is
 * down the write API must stay in service, because its events wait safely in the WAL. DOWN while the engine is
 * not streaming (STARTING counts as UP only up to {@code progress.relay.starting-timeout}) and while the replication
 * slot is missing or invalid, which is also when writes are refused.
 */
@HealthGroup("relay")
@ApplicationScoped
public class RelayHealthCheck implements HealthCheck {

    private final OutboxRelay relay;
    private final SlotLagProbe slotLag;
    private final ReplicationSlot slot;

    RelayHealthCheck(OutboxRelay relay, SlotLagProbe slotLag, ReplicationSlot slot) {
        this.relay = relay;
        this.slotLag = slotLag;
        this.slot = slot;
    }

    @Override
    public HealthCheckResponse call() {
        RelayState state = relay.state();
        ReplicationSlot.State slotState = slot.state();
        boolean slotUsable = slotState.status() == ReplicationSlot.Status.VALID;
        HealthCheckResponseBuilder response = HealthCheckResponse.named("outbox-relay")
                .status(relay.up() && slotUsable)
                .withData("state", state.name())
                .withData("inStateMs", relay.inStateFor().toMillis())
                .withData("slot", slotState.status().name())
                .withData("pendingWalBytes", slotLag.pendingBytes());
        if (!slotUsable) {
            response.withData("slotDetail", slotState.detail());
        }
        if (state == RelayState.STARTING && !relay.up()) {
            response.withData("reason", "STARTING for longer than progress.relay.starting-timeout: the engine "
                    + "never began streaming");
        }
        String error = relay.lastError();
        if (error != null && state != RelayState.RUNNING) {
            response.withData("lastError", error);
        }
        return response.build();
    }
}
