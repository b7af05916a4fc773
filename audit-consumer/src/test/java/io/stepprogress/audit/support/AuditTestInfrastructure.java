package io.stepprogress.audit.support;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.stepprogress.infra.InfrastructureTestResource;

/** Every {@code @QuarkusTest} of this module runs against the shared real Kafka and PostgreSQL. */
@QuarkusTestResource(value = InfrastructureTestResource.class,
        initArgs = @ResourceArg(name = InfrastructureTestResource.DATABASE_ARG, value = "audit"))
public final class AuditTestInfrastructure {
    private AuditTestInfrastructure() {
    }
}
