package io.stepprogress.deploycheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** docker-compose.yml's structure, its secrets, .env.example, and the files it builds from and mounts. */
class ComposeFileTest {

    /** Variable names that hold secrets: their values must come from .env, required, never a default. */
    static final Pattern SECRET_NAME = Pattern.compile("(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_KEY|SIGNING_KEY|CREDENTIAL|WEBHOOK).*");
    /** ${VAR:?message} (or ${VAR?message}): compose stops when VAR is unset (or empty). */
    private static final Pattern REQUIRED_REFERENCE = Pattern.compile("^\\$\\{([A-Za-z_][A-Za-z0-9_]*):?\\?[^}]*}$");
    /** Every ${VAR...} compose interpolates ($$ is a literal dollar). */
    private static final Pattern REFERENCE = Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

    private static final ComposeFile COMPOSE = ComposeFile.load();

    @Test
    void everyServiceHasAHealthcheck() {
        List<String> missing = new ArrayList<>();
        COMPOSE.services().forEach((name, service) -> {
            Object healthcheck = service.get("healthcheck");
            if (!(healthcheck instanceof Map<?, ?> options) || Boolean.TRUE.equals(options.get("disable"))
                    || options.get("test") == null || String.valueOf(options.get("test")).contains("NONE")) {
                missing.add(name);
            }
        });
        assertThat(missing).as("services without a (working) healthcheck").isEmpty();
    }

    @Test
    void everyDependencyWaitsForAHealthyService() {
        Map<String, Map<String, Object>> services = COMPOSE.services();
        List<String> problems = new ArrayList<>();
        services.keySet().forEach(name -> COMPOSE.dependsOn(name).forEach((dependency, condition) -> {
            if (!"service_healthy".equals(condition)) {
                problems.add(name + " -> " + dependency + ": condition is " + condition + ", not service_healthy");
            }
            if (!services.containsKey(dependency)) {
                problems.add(name + " -> " + dependency + ": no such service");
            } else if (!(services.get(dependency).get("healthcheck") instanceof Map<?, ?>)) {
                problems.add(name + " -> " + dependency + ": " + dependency + " has no healthcheck");
            }
        }));
        assertThat(problems).isEmpty();
        assertThat(COMPOSE.dependsOn("progress-service")).containsKeys("postgres", "kafka");
        assertThat(COMPOSE.dependsOn("audit-consumer")).containsKeys("postgres", "kafka");
    }

    @Test
    void secretsComeFromEnvAndAreRequired() {
        List<String> problems = new ArrayList<>();
        COMPOSE.services().keySet().forEach(name -> COMPOSE.environment(name).forEach((variable, value) -> {
            if (SECRET_NAME.matcher(variable).matches() && (value == null || !REQUIRED_REFERENCE.matcher(value).matches())) {
                problems.add(name + "." + variable + " = " + value + " (must be ${VAR:?message})");
            }
        }));
        // Nowhere in the file (build args, commands, ...) may a secret have a default value.
        for (String value : COMPOSE.values()) {
            Matcher reference = REFERENCE.matcher(value);
            while (reference.find()) {
                if (SECRET_NAME.matcher(reference.group(1)).matches() && reference.group(2) != null
                        && reference.group(2).endsWith("-")) {
                    problems.add(reference.group() + " gives a secret a default");
                }
            }
        }
        assertThat(problems).as("literal or defaulted secrets in docker-compose.yml").isEmpty();
    }

    @Test
    void envExampleListsExactlyTheVariablesComposeReadsWithPlaceholderSecrets() throws IOException {
        Set<String> referenced = new TreeSet<>();
        for (String value : COMPOSE.values()) {
            Matcher reference = REFERENCE.matcher(value);
            while (reference.find()) {
                referenced.add(reference.group(1));
            }
        }
        Properties example = envExample();
        Set<String> listed = new TreeSet<>(example.stringPropertyNames());
        listed.removeIf(name -> name.startsWith("COMPOSE_")); // read by docker-compose itself

        assertThat(listed).as(".env.example must list every ${VAR} of docker-compose.yml and nothing else")
                .isEqualTo(referenced);
        List<String> realLooking = new ArrayList<>();
        for (String name : example.stringPropertyNames()) {
            String value = example.getProperty(name);
            if (SECRET_NAME.matcher(name).matches() && !value.startsWith("change-me") && !value.matches("https?://[^/]*\\.invalid(/.*)?")) {
                realLooking.add(name);
            }
        }
        assertThat(realLooking).as("secrets in .env.example must be placeholders (change-me..., or an .invalid URL)").isEmpty();
        assertThat(Files.readAllLines(Repository.resolve(".gitignore"))).as(".env must stay out of git").contains(".env");
    }

    @Test
    void applicationServicesAreBuiltFromTheirModuleWithDockerfileJvm() throws IOException {
        for (String service : ComposeFile.APPLICATION_SERVICES) {
            Object build = COMPOSE.service(service).get("build");
            assertThat(build).as("%s.build", service).isInstanceOf(Map.class);
            Map<?, ?> options = (Map<?, ?>) build;
            assertThat(options.get("dockerfile")).as("%s.build.dockerfile", service).isEqualTo("src/main/docker/Dockerfile.jvm");
            Path context = Repository.resolve(String.valueOf(options.get("context")));
            Path dockerfile = context.resolve("src/main/docker/Dockerfile.jvm");
            assertThat(dockerfile).as("%s: build.context %s needs src/main/docker/Dockerfile.jvm", service, context).isRegularFile();
            assertThat(context.resolve("pom.xml")).as("%s: build.context is a Maven module", service).isRegularFile();

            int port = httpPort(context);
            String text = Files.readString(dockerfile);
            assertThat(text).contains("COPY --chown=185 target/quarkus-app/lib/ /deployments/lib/",
                    "target/quarkus-app/*.jar", "target/quarkus-app/app/", "target/quarkus-app/quarkus/", "EXPOSE " + port);
            assertThat(COMPOSE.publishedContainerPorts(service)).as("%s publishes quarkus.http.port", service).containsExactly(port);
            assertThat(String.valueOf(((Map<?, ?>) COMPOSE.service(service).get("healthcheck")).get("test")))
                    .as("%s's healthcheck asks readiness on its management port", service)
                    .contains("/" + managementPort(context), "/q/health/ready");
            assertThat(COMPOSE.service(service).get("restart")).isEqualTo("unless-stopped");
        }
    }

    @Test
    void everyMountedRepositoryPathExists() {
        List<String> missing = new ArrayList<>();
        COMPOSE.services().keySet().forEach(name -> COMPOSE.bindMounts(name).forEach((source, target) -> {
            Path path = Repository.resolve(source);
            if (!path.startsWith(Repository.root())) {
                missing.add(name + ": " + source + " is outside the repository");
            } else if (!Files.exists(path)) {
                missing.add(name + ": " + source + " (-> " + target + ") does not exist");
            } else if (Files.isDirectory(path) && isEmpty(path)) {
                missing.add(name + ": " + source + " (-> " + target + ") is empty");
            }
        }));
        assertThat(missing).isEmpty();
        assertThat(Repository.resolve("deploy/prometheus/prometheus.yml")).isRegularFile();
        assertThat(Repository.resolve("deploy/postgres/init/10-create-databases.sh")).isRegularFile().isExecutable();
    }

    /**
     * progress-service's write path, migrations and relay log in as three roles the init script creates: only the
     * relay's has REPLICATION, the migrations' owns the database, and each login's password is the one the script
     * gave that role.
     */
    @Test
    void progressServiceLogsInAsThreeRolesOnlyTheRelaysWithReplication() throws IOException {
        String script = Files.readString(Repository.resolve("deploy/postgres/init/10-create-databases.sh"));
        Map<String, String> attributes = new LinkedHashMap<>();
        Map<String, String> passwordVariable = new LinkedHashMap<>();
        Matcher role = Pattern.compile("CREATE ROLE (\\w+) ([A-Z ]*)PASSWORD :'(\\w+)';").matcher(script);
        while (role.find()) {
            attributes.put(role.group(1), " " + role.group(2).trim() + " ");
            Matcher set = Pattern.compile("--set " + role.group(3) + "=\"\\$(\\w+)\"").matcher(script);
            assertThat(set.find()).as("psql variable %s is set from the environment", role.group(3)).isTrue();
            passwordVariable.put(role.group(1), set.group(1));
        }
        Matcher owner = Pattern.compile("CREATE DATABASE progress OWNER (\\w+);").matcher(script);
        assertThat(owner.find()).as("the init script creates database progress").isTrue();

        Map<String, String> env = COMPOSE.environment("progress-service");
        String app = env.get("QUARKUS_DATASOURCE_USERNAME");
        String migrations = env.get("QUARKUS_FLYWAY_USERNAME");
        String relay = env.get("PROGRESS_RELAY_USERNAME");
        assertThat(Set.of(app, migrations, relay)).as("three different logins").hasSize(3);
        assertThat(migrations).as("Flyway migrates as the database's owner").isEqualTo(owner.group(1));
        assertThat(attributes).containsKeys(app, migrations, relay);
        assertThat(attributes.get(relay)).contains(" REPLICATION ");
        assertThat(attributes.get(app)).contains(" NOREPLICATION ");
        assertThat(attributes.get(migrations)).contains(" NOREPLICATION ");
        assertThat(script).containsPattern("GRANT CONNECT ON DATABASE progress TO (" + app + ", " + relay + "|"
                + relay + ", " + app + ");");

        Map<String, String> postgres = COMPOSE.environment("postgres");
        Map<String, String> logins = Map.of("QUARKUS_DATASOURCE_PASSWORD", app, "QUARKUS_FLYWAY_PASSWORD", migrations,
                "PROGRESS_RELAY_PASSWORD", relay);
        logins.forEach((passwordEnv, login) -> {
            String variable = passwordVariable.get(login);
            assertThat(env.get(passwordEnv)).as("%s is role %s's password", passwordEnv, login)
                    .startsWith("${" + variable + ":?");
            assertThat(postgres.get(variable)).as("postgres gets %s for its init script", variable)
                    .startsWith("${" + variable + ":?");
        });
    }

    @Test
    void prometheusScrapesTheComposeServicesOnTheirManagementPorts() {
        Map<String, Object> config = yaml(Repository.resolve("deploy/prometheus/prometheus.yml"));
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (String service : ComposeFile.APPLICATION_SERVICES) {
            ports.put(service, managementPort(ComposeEnvironmentTest.moduleOf(service)));
        }
        Set<String> targets = new LinkedHashSet<>();
        for (Object job : (List<?>) config.get("scrape_configs")) {
            Object staticConfigs = ((Map<?, ?>) job).get("static_configs");
            if (staticConfigs instanceof List<?> list) {
                for (Object staticConfig : list) {
                    ((List<?>) ((Map<?, ?>) staticConfig).get("targets")).forEach(t -> targets.add(String.valueOf(t)));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (String target : targets) {
            String host = target.substring(0, target.lastIndexOf(':'));
            int port = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
            if (!COMPOSE.services().containsKey(host)) {
                problems.add(target + ": no compose service " + host);
            } else if (ports.containsKey(host) && ports.get(host) != port) {
                problems.add(target + ": " + host + " listens on " + ports.get(host));
            }
        }
        assertThat(problems).isEmpty();
        assertThat(targets).as("every application service is scraped")
                .containsAll(ports.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).toList());
    }

    @Test
    void managementPortsAreNotPublishedAndHealthchecksUseThem() {
        List<String> problems = new ArrayList<>();
        for (String service : ComposeFile.APPLICATION_SERVICES) {
            int management = managementPort(ComposeEnvironmentTest.moduleOf(service));
            Object ports = COMPOSE.service(service).get("ports");
            if (ports instanceof List<?> list && list.stream().anyMatch(p -> String.valueOf(p).endsWith(":" + management))) {
                problems.add(service + " publishes its management port " + management);
            }
            Object healthcheck = COMPOSE.service(service).get("healthcheck");
            if (!String.valueOf(healthcheck).contains("/dev/tcp/127.0.0.1/" + management)) {
                problems.add(service + "'s healthcheck does not ask the management port " + management);
            }
            if (!"0.0.0.0".equals(COMPOSE.environment(service).get("QUARKUS_MANAGEMENT_HOST"))) {
                problems.add(service + " keeps its management interface on loopback, where Prometheus cannot scrape it");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void grafanaGetsTheDashboardPathAndEveryVariableItsProvisioningReads() throws IOException {
        Path provisioning = Repository.resolve("deploy/grafana/provisioning");
        Map<String, String> mounts = new LinkedHashMap<>();
        COMPOSE.bindMounts("grafana").forEach((source, target) -> mounts.put(Repository.resolve(source).toString(), target));
        assertThat(mounts).containsEntry(provisioning.toString(), "/etc/grafana/provisioning");

        Set<String> dashboardPaths = new TreeSet<>();
        Set<String> variables = new TreeSet<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(provisioning)) {
            files = walk.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).toList();
        }
        for (Path file : files) {
            // Grafana replaces $VAR and ${VAR} with its environment in provisioning files.
            Matcher variable = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*)}").matcher(Files.readString(file));
            while (variable.find()) {
                variables.add(variable.group(1));
            }
            Object providers = yaml(file).get("providers");
            if (providers instanceof List<?> list) {
                for (Object provider : list) {
                    Object options = ((Map<?, ?>) provider).get("options");
                    if (options instanceof Map<?, ?> map && map.get("path") != null) {
                        dashboardPaths.add(String.valueOf(map.get("path")));
                    }
                }
            }
        }
        assertThat(dashboardPaths).as("dashboard provider paths are mounted").isNotEmpty();
        assertThat(mounts.values()).containsAll(dashboardPaths);
        assertThat(COMPOSE.environment("grafana").keySet())
                .as("grafana's environment has every ${VAR} of deploy/grafana/provisioning").containsAll(variables);
    }

    /**
     * The subscriber-signing key progress-service holds is trusted by notifier-service only: every other
     * service verifies with the authority's keys, and no service but progress-service gets a private key.
     */
    @Test
    void onlyNotifierTrustsTheSubscriberKeyAndOnlyProgressServiceHoldsIt() throws IOException {
        Map<String, String> trusted = new LinkedHashMap<>();
        for (String service : ComposeFile.APPLICATION_SERVICES) {
            trusted.put(service, referencedVariable(COMPOSE.environment(service).get("MP_JWT_VERIFY_PUBLICKEY")));
        }
        assertThat(trusted).containsEntry("progress-service", "PROGRESS_AUTHORITY_PUBLIC_KEYS")
                .containsEntry("audit-consumer", "PROGRESS_AUTHORITY_PUBLIC_KEYS")
                .containsEntry("alert-consumer", "PROGRESS_AUTHORITY_PUBLIC_KEYS")
                .containsEntry("notifier-service", "NOTIFIER_PUBLIC_KEYS");
        for (String service : ComposeFile.APPLICATION_SERVICES) {
            Map<String, String> environment = COMPOSE.environment(service);
            if (service.equals("progress-service")) {
                assertThat(referencedVariable(environment.get("PROGRESS_SECURITY_SIGNING_KEY")))
                        .isEqualTo("PROGRESS_SUBSCRIBER_SIGNING_KEY");
            } else {
                assertThat(environment).as("environment of %s", service).doesNotContainKey("PROGRESS_SECURITY_SIGNING_KEY");
            }
            assertThat(String.join(" ", environment.values())).as("environment of %s", service)
                    .doesNotContain("AUTHORITY_SIGNING_KEY");
        }
        assertThat(envExample().stringPropertyNames()).contains("PROGRESS_AUTHORITY_PUBLIC_KEYS",
                "PROGRESS_SUBSCRIBER_SIGNING_KEY", "NOTIFIER_PUBLIC_KEYS")
                .doesNotContain("PROGRESS_JWT_PUBLIC_KEYS", "PROGRESS_SIGNING_KEY", "PROGRESS_AUTHORITY_SIGNING_KEY");
    }

    private static String referencedVariable(String value) {
        Matcher reference = Pattern.compile("^\\$\\{([A-Z0-9_]+)[:?-]").matcher(value == null ? "" : value);
        return reference.find() ? reference.group(1) : value;
    }

    /** .env.example as docker-compose reads a .env file: KEY=VALUE lines, # comments, nothing else. */
    private static Properties envExample() throws IOException {
        Properties properties = new Properties();
        for (String line : Files.readAllLines(Repository.resolve(".env.example"))) {
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int equals = trimmed.indexOf('=');
            assertThat(equals).as(".env.example line is not KEY=VALUE: %s", line).isPositive();
            String value = trimmed.substring(equals + 1);
            assertThat(value).as(".env.example: no quotes or trailing comments (compose 1.29 keeps them): %s", line)
                    .doesNotContain(" #", "\"", "'");
            properties.setProperty(trimmed.substring(0, equals).trim(), value);
        }
        return properties;
    }

    static int httpPort(Path module) {
        return Integer.parseInt(applicationProperties(module).getProperty("quarkus.http.port", "8080").trim());
    }

    /** Where /q/metrics and /q/health are: the management interface, never the public port. */
    static int managementPort(Path module) {
        Properties properties = applicationProperties(module);
        assertThat(properties.getProperty("quarkus.management.enabled")).as("management interface of %s", module)
                .isEqualTo("true");
        return Integer.parseInt(properties.getProperty("quarkus.management.port", "9000").trim());
    }

    private static Properties applicationProperties(Path module) {
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(module.resolve("src/main/resources/application.properties"))) {
            properties.load(reader);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return properties;
    }

    private static boolean isEmpty(Path directory) {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Map<String, Object> yaml(Path file) {
        try {
            Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
            return parsed == null ? Map.of() : ComposeFile.map(parsed, file.toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
