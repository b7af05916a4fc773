package io.stepprogress.alert.support;

import io.quarkus.test.common.QuarkusTestResource;
import io.stepprogress.infra.InfrastructureTestResource;

/** Every {@code @QuarkusTest} of this module runs against the shared real Kafka (and PostgreSQL, unused). */
@QuarkusTestResource(InfrastructureTestResource.class)
public final class AlertTestInfrastructure {
    private AlertTestInfrastructure() {
    }
}
