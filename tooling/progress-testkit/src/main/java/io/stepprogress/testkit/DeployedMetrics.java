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
 * of the service that renamed it, not a dashboard in production.
 */
public final class DeployedMetrics {

    private static final Pattern NAME = Pattern.compile("\\b[a-z][a-z0-9_]*\\b");

    private DeployedMetrics() {
    }

    /** Names read by deploy/ that start with one of {@code prefixes}. */
    public static Set<String> referenced(String... prefixes) {
        Path deploy = deployDirectory();
        Set<String> names = new TreeSet<>();
        for (Path file : files(deploy)) {
            Matcher matcher = NAME.matcher(read(file));
            while (matcher.find()) {
                String name = matcher.group();
                for (String prefix : prefixes) {
                    if (name.startsWith(prefix) && name.length() > prefix.length()) {
                        names.add(name);
                    }
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
