package io.stepprogress.notifier.support;

import io.quarkus.test.common.QuarkusTestResource;
import io.stepprogress.infra.InfrastructureTestResource;

/** Every {@code @QuarkusTest} of this module runs against the shared real Kafka (and PostgreSQL, unused). */
@QuarkusTestResource(InfrastructureTestResource.class)
public final class NotifierTestInfrastructure {
    private NotifierTestInfrastructure() {
    }
}
