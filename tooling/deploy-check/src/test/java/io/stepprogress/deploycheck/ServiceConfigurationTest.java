package io.stepprogress.deploycheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The property scanner on a made-up module, including what it must not be fooled by. */
class ServiceConfigurationTest {

    @TempDir
    Path repo;

    @Test
    void environmentNamesFollowQuarkus() {
        assertThat(ServiceConfiguration.toEnvName("quarkus.datasource.jdbc.url")).isEqualTo("QUARKUS_DATASOURCE_JDBC_URL");
        assertThat(ServiceConfiguration.toEnvName("progress.relay.poll-interval")).isEqualTo("PROGRESS_RELAY_POLL_INTERVAL");
        assertThat(ServiceConfiguration.toEnvName("quarkus.log.category.\"io.debezium\".level"))
                .isEqualTo("QUARKUS_LOG_CATEGORY__IO_DEBEZIUM__LEVEL");
        assertThat(ServiceConfiguration.toEnvName("progress.default-plan[0].name")).isEqualTo("PROGRESS_DEFAULT_PLAN_0__NAME");
    }

    @Test
    void methodNamesBecomeKebabCase() {
        assertThat(ServiceConfiguration.rename("maxBatchSize", "KEBAB_CASE")).isEqualTo("max-batch-size");
        assertThat(ServiceConfiguration.rename("lingerMs", "KEBAB_CASE")).isEqualTo("linger-ms");
        assertThat(ServiceConfiguration.rename("baseURLPath", "KEBAB_CASE")).isEqualTo("base-url-path");
        assertThat(ServiceConfiguration.rename("topic", "KEBAB_CASE")).isEqualTo("topic");
        assertThat(ServiceConfiguration.rename("maxBatchSize", "SNAKE_CASE")).isEqualTo("max_batch_size");
        assertThat(ServiceConfiguration.rename("maxBatchSize", "VERBATIM")).isEqualTo("maxBatchSize");
    }

    @Test
    void scansPropertiesMappingsAndFamiliesOfAModuleAndItsRepositoryDependencies() throws IOException {
        Path module = repo.resolve("sample-service");
        write(module.resolve("pom.xml"), """
                <project>
                  <dependencies>
                    <dependency><groupId>io.stepprogress</groupId><artifactId>shared-lib</artifactId></dependency>
                    <dependency><groupId>io.quarkus</groupId><artifactId>quarkus-flyway</artifactId></dependency>
                    <dependency><groupId>io.quarkus</groupId><artifactId>quarkus-messaging-kafka</artifactId><scope>test</scope></dependency>
                  </dependencies>
                </project>
                """);
        write(module.resolve("src/main/resources/application.properties"), """
                # a comment = not a key
                sample.plain=1
                %prod.sample.profiled=${SAMPLE_SWITCH:false}
                %dev,test.sample.multi-profile=2
                """);
        write(module.resolve("src/main/java/sample/SampleConfig.java"), """
                package sample;

                import io.smallrye.config.ConfigMapping;
                import io.smallrye.config.WithDefault;
                import io.smallrye.config.WithName;
                import io.smallrye.config.WithParentName;
                import java.time.Duration;
                import java.util.List;
                import java.util.Map;
                import java.util.Optional;

                /** Not a real one: @ConfigProperty(name = "in.javadoc") must not count. */
                @ConfigMapping(prefix = "sample.app")
                public interface SampleConfig {

                    String KEY = "constant; not { a property }";

                    @WithDefault("5s")
                    Duration pollInterval();

                    @WithName("renamed-value")
                    int original();

                    Optional<Nested> nested();

                    List<Item> items();

                    Map<String, String> extra();

                    List<String> tags();

                    // @ConfigProperty(name = "commented.out")
                    default String derived() {
                        return "{" + KEY + "}";
                    }

                    interface Nested {
                        @WithDefault("a;b{c}")
                        String deepValue();

                        Inner inner();
                    }

                    interface Inner extends Base {
                        boolean flag();
                    }

                    interface Item {
                        String name();

                        @WithParentName
                        Base base();
                    }
                }
                """);
        write(module.resolve("src/main/java/sample/Base.java"), """
                package sample;

                interface Base {
                    int weight();
                }
                """);
        write(module.resolve("src/main/java/sample/Reader.java"), """
                package sample;

                import org.eclipse.microprofile.config.inject.ConfigProperty;

                class Reader {
                    Reader(@ConfigProperty(name = "sample.injected", defaultValue = "x") String injected,
                           @org.eclipse.microprofile.config.inject.ConfigProperty(name = "sample.qualified") String q) {
                        String a = config.getValue("sample.looked-up", String.class);
                        String b = config.getValue("sample." + suffix, String.class);
                        String c = "//not a comment ${sample.in-literal:1}";
                        char d = '"';
                        String e = "after the char: ${sample.after-char}";
                    }
                }
                """);
        write(repo.resolve("shared-lib/pom.xml"), "<project/>");
        write(repo.resolve("shared-lib/src/main/java/lib/LibConfig.java"), """
                package lib;

                @io.smallrye.config.ConfigMapping(prefix = "lib", namingStrategy = io.smallrye.config.ConfigMapping.NamingStrategy.SNAKE_CASE)
                public interface LibConfig {
                    int maxSize();
                }
                """);

        ServiceConfiguration configuration = ServiceConfiguration.scan(module);

        assertThat(configuration.properties()).extracting(ServiceConfiguration.Property::name)
                .contains("sample.plain", "sample.profiled", "sample.multi-profile", "SAMPLE_SWITCH",
                        "sample.app.poll-interval", "sample.app.renamed-value", "sample.app.nested.deep-value",
                        "sample.app.nested.inner.flag", "sample.app.nested.inner.weight",
                        "sample.app.items[*].name", "sample.app.items[*].weight", "sample.app.extra.*",
                        "sample.app.tags", "sample.app.tags[*]",
                        "sample.injected", "sample.qualified", "sample.looked-up", "sample.in-literal",
                        "sample.after-char", "lib.max_size", "quarkus.flyway.*", "quarkus.http.*")
                .doesNotContain("sample.app.original", "sample.app.derived", "sample.app.key", "sample.app.nested",
                        "in.javadoc", "commented.out", "sample.app.items[*].base", "kafka.*");

        assertThat(configuration.propertyFor("SAMPLE_APP_POLL_INTERVAL")).isPresent();
        assertThat(configuration.propertyFor("SAMPLE_APP_ITEMS_2__WEIGHT")).isPresent();
        assertThat(configuration.propertyFor("SAMPLE_APP_EXTRA_ANY_KEY")).isPresent();
        assertThat(configuration.propertyFor("SAMPLE_APP_EXTRA")).isEmpty();
        assertThat(configuration.propertyFor("SAMPLE_APP_ORIGINAL")).isEmpty();
        assertThat(configuration.propertyFor("QUARKUS_FLYWAY_MIGRATE_AT_START")).isPresent();
        assertThat(configuration.propertyFor("QUARKUS_DATASOURCE_JDBC_URL")).as("no datasource extension").isEmpty();
        assertThat(configuration.propertyFor("KAFKA_BOOTSTRAP_SERVERS")).as("messaging only in test scope").isEmpty();
        assertThat(configuration.propertyFor("sample.plain")).as("the dotted name works as a variable too").isPresent();
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
