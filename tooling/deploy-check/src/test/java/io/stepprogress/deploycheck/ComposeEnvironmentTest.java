package io.stepprogress.deploycheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every environment variable docker-compose.yml gives one of the four services sets a configuration property
 * that service really reads (see {@link ServiceConfiguration} for where known properties come from). A typo,
 * a property renamed in the code, or a variable copied to a service that does not read it fails here instead
 * of being silently ignored at run time.
 */
class ComposeEnvironmentTest {

    private static final ComposeFile COMPOSE = ComposeFile.load();

    static Stream<String> applicationServices() {
        return ComposeFile.APPLICATION_SERVICES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("applicationServices")
    void everyVariableSetsAPropertyTheServiceReads(String service) {
        ServiceConfiguration configuration = ServiceConfiguration.scan(moduleOf(service));
        Map<String, String> environment = COMPOSE.environment(service);
        assertThat(environment).as("environment of %s in docker-compose.yml", service).isNotEmpty();

        List<String> unknown = new ArrayList<>();
        for (String variable : environment.keySet()) {
            Optional<ServiceConfiguration.Property> property = configuration.propertyFor(variable);
            if (property.isPresent()) {
                System.out.printf("%-17s %-30s -> %s  [%s]%n", service, variable, property.get().name(), property.get().source());
            } else {
                unknown.add(variable);
            }
        }
        assertThat(unknown)
                .as("docker-compose.yml sets environment variables on service %s that map to no property %s reads "
                        + "(not in its application.properties, @ConfigMapping/@ConfigProperty, ${...} expressions, nor "
                        + "the property families of its extensions): %s", service, configuration.module(), unknown)
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("applicationServices")
    void configurationIsOnlyInTheEnvironmentBlock(String service) {
        // An env_file would hide variables from the check above; a .env-only value belongs in ${...} instead.
        assertThat(COMPOSE.service(service))
                .as("service %s must be configured by its environment: block only", service)
                .doesNotContainKey("env_file");
    }

    // The checker itself: it must reject what the services do not read, or the test above proves nothing.

    @Test
    void aServiceWithoutDatasourceDoesNotTakeDatasourceVariables() {
        ServiceConfiguration notifier = ServiceConfiguration.scan(moduleOf("notifier-service"));
        assertThat(notifier.propertyFor("QUARKUS_DATASOURCE_JDBC_URL")).isEmpty();
        assertThat(notifier.propertyFor("KAFKA_BOOTSTRAP_SERVERS")).get()
                .extracting(ServiceConfiguration.Property::name).isEqualTo("kafka.bootstrap.servers");
    }

    @Test
    void progressServiceReadsOnlyKafkaBootstrapServersOfTheKafkaFamily() {
        ServiceConfiguration progress = ServiceConfiguration.scan(moduleOf("progress-service"));
        assertThat(progress.propertyFor("KAFKA_BOOTSTRAP_SERVERS")).isPresent();
        // Its clients are built by hand from kafka.bootstrap.servers: anything else under kafka.* is ignored.
        assertThat(progress.propertyFor("KAFKA_SECURITY_PROTOCOL")).isEmpty();
        assertThat(progress.propertyFor("MP_MESSAGING_INCOMING_PROJECT_PROGRESS_TOPIC")).isEmpty();
    }

    @Test
    void configMappingsAreReadWithTheirNestingListsAndMaps() {
        ServiceConfiguration progress = ServiceConfiguration.scan(moduleOf("progress-service"));
        assertThat(progress.propertyFor("PROGRESS_RELAY_PARTITIONS")).get()
                .extracting(ServiceConfiguration.Property::name).isEqualTo("progress.relay.partitions");
        assertThat(progress.propertyFor("PROGRESS_RELAY_OFFSET_FLUSH_INTERVAL")).get()
                .extracting(ServiceConfiguration.Property::source).asString().contains("@ConfigMapping");
        assertThat(progress.propertyFor("PROGRESS_RELAY_DEBEZIUM__MAX_QUEUE_SIZE_")).isPresent();
        assertThat(progress.propertyFor("PROGRESS_DEFAULT_PLAN_4__WEIGHT")).isPresent();
        assertThat(progress.propertyFor("PROGRESS_RELAY_PARTITION")).as("a typo").isEmpty();
        assertThat(progress.propertyFor("PROGRESS_RELAY")).isEmpty();

        ServiceConfiguration notifier = ServiceConfiguration.scan(moduleOf("notifier-service"));
        assertThat(notifier.propertyFor("NOTIFIER_SSE_WRITE_QUEUE_BYTES")).get()
                .extracting(ServiceConfiguration.Property::name).isEqualTo("notifier.sse.write-queue-bytes");
        assertThat(notifier.propertyFor("NOTIFIER_JSON_LOGS")).get()
                .extracting(ServiceConfiguration.Property::source).asString().startsWith("${...}");
        assertThat(notifier.propertyFor("PROGRESS_JSON_LOGS")).as("another service's variable").isEmpty();
    }

    /** The module a compose service is built from: its build.context. */
    static Path moduleOf(String service) {
        Object build = COMPOSE.service(service).get("build");
        String context = build instanceof Map<?, ?> options ? String.valueOf(options.get("context")) : String.valueOf(build);
        return Repository.resolve(context);
    }
}
