package io.stepprogress.progress.support;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.stepprogress.infra.InfrastructureTestResource;

/**
 * Every {@code @QuarkusTest} of this module runs against the shared real PostgreSQL and Kafka
 * (embedded by default, Testcontainers with -Dinfra=testcontainers or auto), with the three logins of a
 * deployment: the write path and the relay as roles of their own, migrations as the server's superuser.
 */
@QuarkusTestResource(value = InfrastructureTestResource.class, initArgs = {
        @ResourceArg(name = InfrastructureTestResource.DATABASE_ARG, value = "progress"),
        @ResourceArg(name = InfrastructureTestResource.APP_ROLE_ARG, value = "progress_app"),
        @ResourceArg(name = InfrastructureTestResource.RELAY_ROLE_ARG, value = "progress_relay")})
public final class ProgressTestInfrastructure {
    private ProgressTestInfrastructure() {
    }
}
