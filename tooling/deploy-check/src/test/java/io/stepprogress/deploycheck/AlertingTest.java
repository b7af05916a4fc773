package io.stepprogress.deploycheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * The alerting path of docker-compose.yml: the Prometheus rules of deploy/prometheus can fire and their unit tests
 * can fail, Prometheus sends alerts to the compose Alertmanager, whose configuration amtool accepts, and the local
 * promtool and amtool are the versions compose deploys.
 * <p>
 * "Can fail" is checked by mutation: every rule's {@code for:} set to 0, and every rule's threshold loosened by
 * 10%, must each make {@code promtool test rules} fail. So each alert needs a unit test that it is still silent
 * one evaluation before its {@code for:} has elapsed, and one that it stays silent at a value within 10% below
 * (above, for {@code <}) its threshold.
 */
class AlertingTest {

    private static final Path RULES = Repository.resolve("deploy/prometheus/rules/progress-alerts.yml");
    private static final Path RULE_TESTS = Repository.resolve("deploy/prometheus/tests/progress-alerts-test.yml");
    private static final Path PROMETHEUS_CONFIG = Repository.resolve("deploy/prometheus/prometheus.yml");
    private static final Path ALERTMANAGER = Repository.resolve("deploy/alertmanager");

    /** Rules that fire on their first evaluation, and why waiting would help nobody. */
    static final Map<String, String> FIRE_AT_ONCE = Map.of(
            "AuditDeadLettered", "a dead letter is final once counted; the 15m increase() window keeps it firing",
            "AuditSequenceGaps", "a gap is counted once, when seen; the 15m increase() window keeps it firing");

    /** Alerts without a numeric threshold to loosen, and why. */
    static final Map<String, String> NO_THRESHOLD = Map.of(
            "ServiceDown", "up == 0 is a state, not a threshold",
            "OutboxRelayDown", "progress_relay_up == 0 is a state, not a threshold",
            "OutboxReplicationSlotInvalid", "progress_relay_slot_valid == 0 is a state, not a threshold");

    /** The comparison an alert's expression ends with: "... > 1000". */
    private static final Pattern THRESHOLD = Pattern.compile("\\s(>|<)\\s*(-?[0-9]+(?:\\.[0-9]+)?(?:e[+-]?[0-9]+)?)\\s*$");
    private static final Pattern DURATION_PART = Pattern.compile("([0-9]+)(ms|s|m|h|d|w|y)");
    private static final Pattern VERSION = Pattern.compile("version (\\d+)\\.(\\d+)\\.\\d+");

    private static final ComposeFile COMPOSE = ComposeFile.load();

    @TempDir
    Path temp;

    // --- versions ------------------------------------------------------------------------------------------

    @Test
    void promtoolIsTheVersionOfThePrometheusImageComposeDeploys() {
        Tool.Result version = Tool.promtool().run("--version");
        assertThat(version.ok()).as(version.output()).isTrue();
        assertThat(majorMinor(version.output())).as("promtool --version, against docker-compose.yml's prometheus "
                + "image: the rules are checked and unit-tested by the Prometheus that runs them")
                .isEqualTo(imageMajorMinor("prometheus", "prom/prometheus"));
    }

    @Test
    void amtoolIsTheVersionOfTheAlertmanagerImageComposeDeploys() {
        Tool.Result version = Tool.amtool().run("--version");
        assertThat(version.ok()).as(version.output()).isTrue();
        assertThat(majorMinor(version.output())).as("amtool --version, against docker-compose.yml's alertmanager image")
                .isEqualTo(imageMajorMinor("alertmanager", "prom/alertmanager"));
    }

    // --- Alertmanager ---------------------------------------------------------------------------------------

    @Test
    void prometheusSendsAlertsToTheComposeAlertmanager() {
        Map<String, Object> config = ComposeFileTest.yaml(PROMETHEUS_CONFIG);
        List<String> targets = new ArrayList<>();
        Map<?, ?> alerting = (Map<?, ?>) config.get("alerting");
        assertThat(alerting).as("prometheus.yml has an alerting section").isNotNull();
        for (Object alertmanager : (List<?>) alerting.get("alertmanagers")) {
            for (Object staticConfig : (List<?>) ((Map<?, ?>) alertmanager).get("static_configs")) {
                ((List<?>) ((Map<?, ?>) staticConfig).get("targets")).forEach(t -> targets.add(String.valueOf(t)));
            }
        }
        assertThat(targets).containsExactly("alertmanager:9093");
        assertThat(COMPOSE.services()).containsKey("alertmanager");
        assertThat(COMPOSE.bindMounts("alertmanager")).containsEntry("./deploy/alertmanager", "/etc/alertmanager");
        assertThat(COMPOSE.environment("alertmanager").get("ALERT_WEBHOOK_URL")).startsWith("${ALERT_WEBHOOK_URL:?");
    }

    /**
     * The configuration as the container writes it (entrypoint.sh replaces ${ALERT_WEBHOOK_URL}, taken literally)
     * passes amtool check-config and sends to that URL.
     */
    @Test
    void amtoolAcceptsTheConfigurationTheEntrypointWrites() throws IOException {
        String url = "https://hooks.example.test/step-progress?a=1&b=2|c";
        Path written = temp.resolve("alertmanager.yml");
        Tool.Result render = Tool.sh().run(Map.of("ALERT_WEBHOOK_URL", url),
                ALERTMANAGER.resolve("entrypoint.sh").toString(), ALERTMANAGER.resolve("alertmanager.yml").toString(),
                written.toString());
        assertThat(render.ok()).as("entrypoint.sh:%n%s", render.output()).isTrue();
        assertThat(Files.readString(written)).doesNotContain("${ALERT_WEBHOOK_URL}").contains("url: '" + url + "'");

        Tool.Result check = Tool.amtool().run("check-config", written.toString());
        assertThat(check.ok()).as("amtool check-config:%n%s", check.output()).isTrue();
        Map<String, Object> config = ComposeFileTest.yaml(written);
        List<?> receivers = (List<?>) config.get("receivers");
        assertThat(receivers).hasSize(1);
        assertThat(String.valueOf(receivers.get(0))).contains(url);
    }

    // --- the rules can fire, and their tests can fail -------------------------------------------------------

    @Test
    void everyAlertWaitsBeforeFiringUnlessListed() {
        List<String> problems = new ArrayList<>();
        alerts(load(RULES)).forEach((name, rule) -> {
            Duration waits = duration(String.valueOf(rule.getOrDefault("for", "0s")));
            if (FIRE_AT_ONCE.containsKey(name) != waits.isZero()) {
                problems.add(name + " for: " + rule.get("for") + (waits.isZero() ? " (not in FIRE_AT_ONCE)"
                        : " (in FIRE_AT_ONCE: " + FIRE_AT_ONCE.get(name) + ")"));
            }
        });
        assertThat(problems).isEmpty();
        assertThat(alerts(load(RULES)).keySet()).containsAll(FIRE_AT_ONCE.keySet()).containsAll(NO_THRESHOLD.keySet());
    }

    @Test
    void theUnitTestsPass() throws IOException {
        Tool.Result result = test(UnaryOperator.identity());
        assertThat(result.ok()).as("promtool test rules:%n%s", result.output()).isTrue();
    }

    @Test
    void theUnitTestsFailWhenAnyForIsRemoved() throws IOException {
        List<String> survivors = new ArrayList<>();
        for (String name : alerts(load(RULES)).keySet()) {
            if (FIRE_AT_ONCE.containsKey(name)) {
                continue;
            }
            if (test(rule -> name.equals(rule.get("alert")) ? with(rule, "for", "0s") : rule).ok()) {
                survivors.add(name);
            }
        }
        assertThat(survivors).as("alerts whose unit tests still pass with 'for: 0s': add a test that it does not "
                + "fire one evaluation before its 'for' elapses").isEmpty();
    }

    @Test
    void theUnitTestsFailWhenAnyThresholdIsLoosened() throws IOException {
        List<String> survivors = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> alert : alerts(load(RULES)).entrySet()) {
            String name = alert.getKey();
            Matcher threshold = THRESHOLD.matcher(String.valueOf(alert.getValue().get("expr")));
            if (NO_THRESHOLD.containsKey(name)) {
                continue;
            }
            assertThat(threshold.find()).as(name + ": its expr ends with '> N' or '< N', or it is in NO_THRESHOLD")
                    .isTrue();
            String loosened = loosen(threshold.group(1), Double.parseDouble(threshold.group(2)));
            String expr = String.valueOf(alert.getValue().get("expr"));
            String mutated = expr.substring(0, threshold.start()) + " " + threshold.group(1) + " " + loosened;
            if (test(rule -> name.equals(rule.get("alert")) ? with(rule, "expr", mutated) : rule).ok()) {
                survivors.add(name + " (" + threshold.group(1) + " " + threshold.group(2) + " -> " + loosened + ")");
            }
        }
        assertThat(survivors).as("alerts whose unit tests still pass with a looser threshold: add a test where it "
                + "stays silent within 10% of its threshold").isEmpty();
    }

    // --- helpers --------------------------------------------------------------------------------------------

    /** 10% towards firing; a threshold of 0 moves by 1 (counters, "> 0" becomes "> -1"). */
    private static String loosen(String operator, double threshold) {
        double step = threshold == 0 ? 1 : Math.abs(threshold) / 10;
        return Double.toString(operator.equals(">") ? threshold - step : threshold + step);
    }

    /** Runs the unit tests against the rules with each alert rule passed through {@code change}. */
    private Tool.Result test(UnaryOperator<Map<String, Object>> change) throws IOException {
        Map<String, Object> rules = load(RULES);
        for (Object group : (List<?>) rules.get("groups")) {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) ((Map<?, ?>) group).get("rules");
            list.replaceAll(rule -> change.apply(cast(rule)));
        }
        Path rulesFile = Files.createTempFile(temp, "rules", ".yml");
        Files.writeString(rulesFile, dump(rules));
        Map<String, Object> tests = load(RULE_TESTS);
        tests.put("rule_files", List.of(rulesFile.toString()));
        Path testsFile = Files.createTempFile(temp, "tests", ".yml");
        Files.writeString(testsFile, dump(tests));
        return Tool.promtool().run("test", "rules", testsFile.toString());
    }

    private static Map<String, Object> with(Map<String, Object> rule, String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(rule);
        copy.put(key, value);
        return copy;
    }

    private static Map<String, Map<String, Object>> alerts(Map<String, Object> rules) {
        Map<String, Map<String, Object>> alerts = new LinkedHashMap<>();
        for (Object group : (List<?>) rules.get("groups")) {
            for (Object rule : (List<?>) ((Map<?, ?>) group).get("rules")) {
                Map<String, Object> map = cast(rule);
                if (map.containsKey("alert")) {
                    alerts.put(String.valueOf(map.get("alert")), map);
                }
            }
        }
        return alerts;
    }

    static Duration duration(String text) {
        Matcher part = DURATION_PART.matcher(text);
        Duration total = Duration.ZERO;
        int end = 0;
        while (part.find()) {
            assertThat(part.start()).as("duration " + text).isEqualTo(end);
            long n = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                case "w" -> Duration.ofDays(7 * n);
                default -> Duration.ofDays(365 * n);
            });
            end = part.end();
        }
        assertThat(end).as("duration " + text).isEqualTo(text.length()).isPositive();
        return total;
    }

    private static String majorMinor(String versionOutput) {
        Matcher m = VERSION.matcher(versionOutput);
        assertThat(m.find()).as("a version in: " + versionOutput).isTrue();
        return m.group(1) + "." + m.group(2);
    }

    private static String imageMajorMinor(String service, String repository) {
        String image = String.valueOf(COMPOSE.service(service).get("image"));
        Matcher m = Pattern.compile(Pattern.quote(repository) + ":v(\\d+)\\.(\\d+)\\.\\d+").matcher(image);
        assertThat(m.matches()).as(service + " image " + image + " is " + repository + ":vX.Y.Z").isTrue();
        return m.group(1) + "." + m.group(2);
    }

    private static Map<String, Object> load(Path file) {
        try {
            return cast(new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String dump(Object document) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setWidth(100_000);
        return new Yaml(new Representer(options), options).dump(document);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object map) {
        return (Map<String, Object>) map;
    }
}
