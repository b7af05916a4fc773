package io.stepprogress.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The metric names that deploy/ (Grafana dashboards and alert rules, Prometheus rules) reads, so each
 * service's tests can check them against its own running /q/metrics: a renamed metric fails the build
 * of the service that renamed it, not a dashboard in production. Which service exports which names is
 * {@link Exporter}; tooling/deploy-check checks that every metric deploy/ reads has one.
 */
public final class DeployedMetrics {

    /** Who exports the metrics deploy/ reads, by name prefix (or exact name). */
    public enum Exporter {
        PROGRESS_SERVICE(Set.of(), "progress_outbox_", "progress_relay_", "progress_overload_"),
        NOTIFIER_SERVICE(Set.of(), "notifier_", "kafka_consumer_"),
        AUDIT_CONSUMER(Set.of(), "audit_", "kafka_consumer_"),
        ALERT_CONSUMER(Set.of(), "progress_initializations_", "progress_initialization_", "progress_step_",
                "progress_event_", "alert_", "consumer_group_", "kafka_consumer_"),
        /** Prometheus itself: the health of every scrape. */
        PROMETHEUS(Set.of("up"));

        private final Set<String> names;
        private final List<String> prefixes;

        Exporter(Set<String> names, String... prefixes) {
            this.names = names;
            this.prefixes = List.of(prefixes);
        }

        public boolean exports(String metric) {
            return names.contains(metric)
                    || prefixes.stream().anyMatch(p -> metric.startsWith(p) && metric.length() > p.length());
        }
    }

    private static final Pattern NAME = Pattern.compile("\\b[a-z][a-z0-9_]*\\b");

    private DeployedMetrics() {
    }

    /** Names read by deploy/ that {@code exporter} exports. */
    public static Set<String> referenced(Exporter exporter) {
        Path deploy = deployDirectory();
        Set<String> names = new TreeSet<>();
        for (Path file : files(deploy)) {
            Matcher matcher = NAME.matcher(read(file));
            while (matcher.find()) {
                if (exporter.exports(matcher.group())) {
                    names.add(matcher.group());
                }
            }
        }
        return names;
    }

    /** Of {@code names}, those the Prometheus text does not contain as a series name. */
    public static Set<String> missingFrom(String prometheusText, Set<String> names) {
        Set<String> exported = PrometheusMetrics.parse(prometheusText).names();
        return names.stream().filter(n -> !exported.contains(n)).collect(Collectors.toCollection(TreeSet::new));
    }

    private static List<Path> files(Path deploy) {
        try (Stream<Path> walk = Files.walk(deploy)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".json") || p.toString().endsWith(".yml"))
                    .filter(p -> p.toString().contains("dashboards") || p.toString().contains("alerting")
                            || p.toString().contains("rules"))
                    .filter(p -> !p.toString().contains("tests"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path deployDirectory() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("deploy/grafana")) && Files.isDirectory(dir.resolve("deploy/prometheus"))) {
                return dir.resolve("deploy");
            }
        }
        throw new IllegalStateException("no deploy/ directory above " + Path.of("").toAbsolutePath());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
