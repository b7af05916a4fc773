package io.stepprogress.deploycheck;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.stepprogress.testkit.DeployedMetrics.Exporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus and Grafana files of {@code deploy/}: promtool accepts them, the alert unit tests pass
 * (against the Prometheus rules and against their Grafana twins), every query is valid PromQL, and every
 * metric a query reads has a service that exports it ({@link Exporter}); each service's DeployedMetricsTest
 * checks, against its running /q/metrics, that it really exports the ones deploy/ reads from it.
 */
class PrometheusAndGrafanaFilesTest {

    private static final Path DEPLOY = Repository.resolve("deploy");
    private static final Path PROMETHEUS_CONFIG = DEPLOY.resolve("prometheus/prometheus.yml");
    private static final Path RULES = DEPLOY.resolve("prometheus/rules/progress-alerts.yml");
    private static final Path RULE_TESTS = DEPLOY.resolve("prometheus/tests/progress-alerts-test.yml");
    private static final Path GRAFANA = DEPLOY.resolve("grafana");
    private static final Path DATASOURCES = GRAFANA.resolve("provisioning/datasources/prometheus.yml");
    private static final Path DASHBOARD_PROVIDERS = GRAFANA.resolve("provisioning/dashboards/dashboards.yml");
    private static final Path GRAFANA_RULES = GRAFANA.resolve("provisioning/alerting/progress-alerts.yml");
    private static final Path CONTACT_POINTS = GRAFANA.resolve("provisioning/alerting/contact-points.yml");
    private static final Path POLICIES = GRAFANA.resolve("provisioning/alerting/notification-policies.yml");
    private static final Path DASHBOARD = GRAFANA.resolve("dashboards/step-progress.json");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The alerts asked for; more may be added. */
    private static final Set<String> REQUIRED_ALERTS = Set.of("InitializationStalled", "StepFailureRateHigh",
            "OutboxRelayLagHigh", "OutboxRelayDown", "OutboxBacklogGrowing", "ConsumerLagHigh", "ServiceDown",
            "SseSlowClientsDropped", "ConsumerGroupStuck", "ConsumerLagUnknown", "AuditDeadLettered",
            "AuditSequenceGaps", "OutboxReplicationSlotInvalid");

    /** Environment variables the Grafana provisioning files read; deploy/grafana/README.md documents them. */
    private static final Set<String> GRAFANA_ENVIRONMENT = Set.of("ALERT_WEBHOOK_URL");

    private static final Pattern ENV_REFERENCE = Pattern.compile(
            "(?<!\\$)\\$(?:\\{([A-Za-z_][A-Za-z0-9_]*)}|__env\\{([A-Za-z_][A-Za-z0-9_]*)}|([A-Za-z_][A-Za-z0-9_]*))");

    private static final Tool PROMTOOL = Tool.promtool();

    @TempDir
    Path temp;

    // --- Prometheus --------------------------------------------------------------------------------------

    @Test
    void promtoolAcceptsTheConfigurationAndTheRules() {
        Tool.Result config = PROMTOOL.run("check", "config", PROMETHEUS_CONFIG.toString());
        assertThat(config.ok()).as("promtool check config:%n%s", config.output()).isTrue();
        assertThat(config.output()).as("the rule files are found through rule_files").contains(RULES.getFileName()
                .toString());
        Tool.Result rules = PROMTOOL.run("check", "rules", RULES.toString());
        assertThat(rules.ok()).as("promtool check rules:%n%s", rules.output()).isTrue();
    }

    @Test
    void theUnitTestsOfTheAlertsPass() {
        Tool.Result result = PROMTOOL.run("test", "rules", RULE_TESTS.toString());
        System.out.println("promtool test rules " + DEPLOY.relativize(RULE_TESTS) + ":\n" + result.output());
        assertThat(result.ok()).as("promtool test rules:%n%s", result.output()).isTrue();
    }

    @Test
    void everyAlertHasSeverityAnnotationsAndTestsFiringAndNotFiring() {
        Map<String, JsonNode> alerts = prometheusAlerts();
        assertThat(alerts.keySet()).containsAll(REQUIRED_ALERTS);
        JsonNode tests = yaml(RULE_TESTS).path("tests");
        alerts.forEach((name, rule) -> {
            assertThat(rule.path("labels").path("severity").asText()).as(name).isIn("warning", "critical");
            assertThat(rule.path("annotations").path("summary").asText()).as(name + " summary").isNotBlank();
            assertThat(rule.path("annotations").path("description").asText()).as(name + " description").isNotBlank();
            List<JsonNode> cases = new ArrayList<>();
            tests.forEach(test -> test.path("alert_rule_test").forEach(c -> {
                if (name.equals(c.path("alertname").asText())) {
                    cases.add(c);
                }
            }));
            assertThat(cases).as(name + ": a unit test where it fires").anyMatch(c -> !c.path("exp_alerts").isEmpty());
            assertThat(cases).as(name + ": a unit test where it does not").anyMatch(c -> c.path("exp_alerts").isEmpty());
        });
    }

    // --- Grafana -----------------------------------------------------------------------------------------

    @Test
    void grafanaAlertRulesAreTwinsOfThePrometheusRules() throws IOException {
        String datasource = prometheusDatasourceUid();
        Map<String, JsonNode> prometheus = prometheusAlerts();
        ArrayNode twins = YAML.createArrayNode();
        Set<String> titles = new TreeSet<>();
        for (JsonNode group : yaml(GRAFANA_RULES).path("groups")) {
            assertThat(group.path("folder").asText()).isNotBlank();
            assertThat(group.path("interval").asText()).isNotBlank();
            for (JsonNode rule : group.path("rules")) {
                String title = rule.path("title").asText();
                titles.add(title);
                assertThat(rule.path("uid").asText()).as(title + " uid").matches("[A-Za-z0-9_-]{1,40}");
                Map<String, JsonNode> data = new LinkedHashMap<>();
                rule.path("data").forEach(d -> data.put(d.path("refId").asText(), d));
                JsonNode query = data.get("A");
                JsonNode threshold = data.get(rule.path("condition").asText());
                assertThat(query).as(title + ": query A").isNotNull();
                assertThat(query.path("datasourceUid").asText()).as(title + ": A reads the provisioned Prometheus")
                        .isEqualTo(datasource);
                assertThat(query.path("model").path("instant").asBoolean()).as(title + ": A is instant").isTrue();
                assertThat(threshold).as(title + ": the condition names a query").isNotNull();
                assertThat(threshold.path("datasourceUid").asText()).isEqualTo("__expr__");
                assertThat(threshold.path("model").path("type").asText()).isEqualTo("threshold");
                assertThat(threshold.path("model").path("expression").asText()).isEqualTo("A");
                JsonNode evaluator = threshold.path("model").path("conditions").path(0).path("evaluator");
                String operator = switch (evaluator.path("type").asText()) {
                    case "gt" -> ">";
                    case "lt" -> "<";
                    default -> throw new AssertionError(title + ": threshold type " + evaluator.path("type"));
                };
                String expr = query.path("model").path("expr").asText();
                // Grafana expands $VAR in titles, labels and settings (not in annotations): none may hide there.
                assertThat(title + expr + rule.path("labels")).as(title + ": no '$' outside annotations")
                        .doesNotContain("$");

                JsonNode twin = prometheus.get(title);
                assertThat(twin).as("Grafana rule " + title + " has a Prometheus rule of that name").isNotNull();
                assertThat(rule.path("for").asText()).as(title + " for").isEqualTo(twin.path("for").asText());
                assertThat(rule.path("labels")).as(title + " labels").isEqualTo(twin.path("labels"));
                assertThat(rule.path("annotations").path("summary").asText()).as(title + " summary").isNotBlank();
                assertThat(rule.path("annotations").path("description").asText()).as(title).isNotBlank();

                ObjectNode asPrometheus = twins.addObject();
                asPrometheus.put("alert", title);
                asPrometheus.put("expr", "(" + expr + ") " + operator + " "
                        + evaluator.path("params").path(0).asText());
                asPrometheus.put("for", rule.path("for").asText());
                asPrometheus.set("labels", rule.path("labels"));
            }
        }
        assertThat(titles).as("one Grafana rule per Prometheus rule").isEqualTo(prometheus.keySet());

        // Same behaviour: the Grafana rules, as Prometheus rules, pass the same unit tests (their annotations
        // are written for Grafana's template data, so they are not compared).
        Path twinRules = temp.resolve("grafana-twins.yml");
        ObjectNode file = YAML.createObjectNode();
        file.putArray("groups").addObject().put("name", "grafana-twins").set("rules", twins);
        YAML.writeValue(twinRules.toFile(), file);
        Tool.Result check = PROMTOOL.run("check", "rules", twinRules.toString());
        assertThat(check.ok()).as("Grafana queries and thresholds as Prometheus rules:%n%s", check.output()).isTrue();

        ObjectNode tests = (ObjectNode) yaml(RULE_TESTS);
        tests.putArray("rule_files").add(twinRules.toString());
        tests.path("tests").forEach(test -> test.path("alert_rule_test").forEach(c -> c.path("exp_alerts")
                .forEach(alert -> ((ObjectNode) alert).remove("exp_annotations"))));
        Path twinTests = temp.resolve("grafana-twins-test.yml");
        YAML.writeValue(twinTests.toFile(), tests);
        Tool.Result result = PROMTOOL.run("test", "rules", twinTests.toString());
        assertThat(result.ok()).as("the unit tests against the Grafana rules:%n%s", result.output()).isTrue();
    }

    @Test
    void grafanaNotifiesAWebhookConfiguredByTheEnvironment() {
        JsonNode contactPoint = yaml(CONTACT_POINTS).path("contactPoints").path(0);
        JsonNode receiver = contactPoint.path("receivers").path(0);
        assertThat(receiver.path("type").asText()).isEqualTo("webhook");
        assertThat(receiver.path("settings").path("url").asText()).isEqualTo("${ALERT_WEBHOOK_URL}");
        JsonNode policy = yaml(POLICIES).path("policies").path(0);
        assertThat(policy.path("receiver").asText()).isEqualTo(contactPoint.path("name").asText());
        policy.path("routes").forEach(route -> assertThat(route.path("receiver").asText())
                .isEqualTo(contactPoint.path("name").asText()));

        String readme = read(GRAFANA.resolve("README.md"));
        for (Path file : List.of(CONTACT_POINTS, POLICIES, DATASOURCES, DASHBOARD_PROVIDERS)) {
            Matcher m = ENV_REFERENCE.matcher(read(file));
            while (m.find()) {
                String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
                assertThat(name).as(file.getFileName() + " reads " + m.group()).isIn(GRAFANA_ENVIRONMENT);
            }
        }
        GRAFANA_ENVIRONMENT.forEach(name -> assertThat(readme).as("README documents " + name).contains(name));
    }

    @Test
    void dashboardQueriesAreValidPromQlOnTheProvisionedDatasource() throws IOException {
        String datasource = prometheusDatasourceUid();
        Map<String, String> queries = dashboardQueries(datasource);
        Set<String> metrics = queries.values().stream().flatMap(q -> PromQl.metricNames(q).stream())
                .collect(Collectors.toSet());
        assertThat(metrics).as("the panels asked for").contains("progress_outbox_events_written_total",
                "progress_relay_lag_seconds_bucket", "notifier_sse_delivery_lag_seconds_bucket",
                "progress_initializations_active", "progress_initializations_stalled",
                "progress_initializations_finished_total", "notifier_sse_clients", "audit_events_written_total");
        assertThat(yaml(DASHBOARD_PROVIDERS).path("providers").path(0).path("type").asText()).isEqualTo("file");

        Path rules = recordingRules("dashboard", queries);
        Tool.Result check = PROMTOOL.run("check", "rules", rules.toString());
        assertThat(check.ok()).as("dashboard queries as recording rules:%n%s", check.output()).isTrue();
    }

    // --- Metric names ------------------------------------------------------------------------------------

    @Test
    void everyQueryReadsMetricsThatAServiceExports() {
        Map<String, String> queries = new TreeMap<>(dashboardQueries(prometheusDatasourceUid()));
        prometheusAlerts().forEach((name, rule) -> queries.put("Prometheus rule " + name, rule.path("expr").asText()));
        for (JsonNode group : yaml(GRAFANA_RULES).path("groups")) {
            group.path("rules").forEach(rule -> queries.put("Grafana rule " + rule.path("title").asText(),
                    rule.path("data").path(0).path("model").path("expr").asText()));
        }

        List<String> missing = new ArrayList<>();
        Map<Exporter, Set<String>> byExporter = new TreeMap<>();
        queries.forEach((where, expr) -> {
            for (String metric : PromQl.metricNames(expr)) {
                Exporter exporter = Arrays.stream(Exporter.values()).filter(e -> e.exports(metric)).findFirst()
                        .orElse(null);
                if (exporter != null) {
                    byExporter.computeIfAbsent(exporter, k -> new TreeSet<>()).add(metric);
                } else {
                    missing.add(where + ": " + metric);
                }
            }
        });
        System.out.println("Metrics that deploy/ reads, by exporter (each service's DeployedMetricsTest checks its "
                + "own): " + byExporter);
        assertThat(missing).as("metrics read by deploy/ that no service is known to export").isEmpty();
        assertThat(byExporter.keySet()).as("deploy/ reads metrics of every service").contains(
                Exporter.PROGRESS_SERVICE, Exporter.NOTIFIER_SERVICE, Exporter.AUDIT_CONSUMER, Exporter.ALERT_CONSUMER);
    }

    // --- helpers -----------------------------------------------------------------------------------------

    private static Map<String, JsonNode> prometheusAlerts() {
        Map<String, JsonNode> alerts = new TreeMap<>();
        yaml(RULES).path("groups").forEach(group -> group.path("rules").forEach(rule -> {
            if (rule.has("alert")) {
                assertThat(alerts.put(rule.path("alert").asText(), rule)).as("duplicate " + rule.path("alert")).isNull();
            }
        }));
        return alerts;
    }

    private static String prometheusDatasourceUid() {
        JsonNode datasource = yaml(DATASOURCES).path("datasources").path(0);
        assertThat(datasource.path("type").asText()).isEqualTo("prometheus");
        assertThat(datasource.path("uid").asText()).isNotBlank();
        return datasource.path("uid").asText();
    }

    /** "panel title / refId" -> expr, for every panel (rows included); each target on the given datasource. */
    private static Map<String, String> dashboardQueries(String datasourceUid) {
        JsonNode dashboard;
        try {
            dashboard = JSON.readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(dashboard.path("uid").asText()).isNotBlank();
        Map<String, String> queries = new LinkedHashMap<>();
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(p -> {
            panels.add(p);
            p.path("panels").forEach(panels::add);
        });
        for (JsonNode panel : panels) {
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            String title = panel.path("title").asText();
            assertThat(panel.path("targets")).as(title + " has queries").isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                JsonNode ds = target.has("datasource") ? target.path("datasource") : panel.path("datasource");
                assertThat(ds.path("uid").asText()).as(title + " datasource").isEqualTo(datasourceUid);
                String expr = target.path("expr").asText();
                assertThat(expr).as(title + " expr").isNotBlank();
                queries.put("dashboard panel '" + title + "' " + target.path("refId").asText(), expr);
            }
        }
        return queries;
    }

    /** Each query as a recording rule, so that promtool checks its PromQL. */
    private Path recordingRules(String name, Map<String, String> queries) throws IOException {
        ArrayNode rules = YAML.createArrayNode();
        int i = 0;
        for (String expr : queries.values()) {
            rules.addObject().put("record", "check:" + name + "_" + i++).put("expr", expr);
        }
        ObjectNode file = YAML.createObjectNode();
        file.putArray("groups").addObject().put("name", name).set("rules", rules);
        Path path = temp.resolve(name + "-queries.yml");
        YAML.writeValue(path.toFile(), file);
        return path;
    }

    private static JsonNode yaml(Path path) {
        try {
            return YAML.readTree(path.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
