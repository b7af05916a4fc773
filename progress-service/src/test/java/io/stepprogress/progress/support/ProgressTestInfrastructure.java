package io.stepprogress.progress.support;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.stepprogress.infra.InfrastructureTestResource;

/**
 * Every {@code @QuarkusTest} of this module runs against the shared real PostgreSQL and Kafka
 * (embedded by default, Testcontainers with -Dinfra=testcontainers or auto).
 */
@QuarkusTestResource(value = InfrastructureTestResource.class,
        initArgs = @ResourceArg(name = InfrastructureTestResource.DATABASE_ARG, value = "progress"))
public final class ProgressTestInfrastructure {
    private ProgressTestInfrastructure() {
    }
}
