package io.stepprogress.bench;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The command line: a scenario and its options, every value bounded, every target loopback unless allowed. */
public final class BenchOptions {

    public static final List<String> SCENARIOS = List.of("steady", "ramp", "fanout", "recovery", "floor", "get", "idle",
            "overload", "all");

    static final String USAGE = """
            usage: ./bench.sh SCENARIO [options]       (java -jar bench/target/bench.jar SCENARIO [options])
            scenarios:
              steady     open-loop writes at --rate (500/s) for --duration (2m) with SSE subscribers
              ramp       steps of --rates (each --step-duration); stops at the first step whose e2e p99 exceeds
                         --p99-limit (100ms), misses its rate by >5%, or has errors; reports the last passing rate.
                         A step failing on e2e p99 alone, or on a few shed updates (<= 0.1%), runs once more,
                         and the repeat decides
              fanout     --connections (1000,10000) SSE streams on one notifier at --rate 50/s over
                         --fanout-projects (50) projects: connect time, delivery p50/p99, notifier CPU/RSS
              recovery   --rate 200/s; the Kafka broker is frozen (SIGSTOP) for --outage (30s), then resumed
                         (SIGCONT): time until every update written meanwhile reached its subscriber
              floor      the write transaction by plain JDBC (8 writers, scratch bench_* tables) against the
                         write path through HTTP at the same concurrency, closed loop: the throughput ratio;
                         the write path first warms in 5 s slices until its rate stops rising (JIT), at most
                         --floor-warm-limit (2m; 0: only --warmup)
              get        notifier GET /api/projects/{id}/progress on one keep-alive connection, and the same
                         GETs to a trivial HTTP server inside the tool (the loopback baseline), in alternating
                         blocks: the p50 ratio
              idle       no load for --duration (60s): CPU of every process of the stack and in total
              overload   the rate for --duration (60s, the baseline), twice the rate for as long, then the
                         rate for as long (after --warmup 10s at the rate); the rate is --rate, else the last
                         ramp.json's result in --out, else 100/s. Updates change statuses (the default plan as
                         the ramp, enough projects that each run fills the load: --progress-per-step updates,
                         sized to it, then a completion per step; the current step fails after the load).
                         Write p99 (200 or 503), SSE delivery p99 during the overload, time back to steady
                         (as the baseline; and by --p99-limit), and whether every stream ends on its
                         project's final view with every status change delivered (merged events accepted)
              all        idle, get, steady, ramp, overload, fanout, recovery, floor
            targets (loopback only unless --allow-remote):
              --progress-url URL        http://127.0.0.1:8081
              --notifier-url URL        http://127.0.0.1:8080
              --audit-url URL           http://127.0.0.1:8082
              --alert-url URL           http://127.0.0.1:8083
              --progress-metrics URL    http://127.0.0.1:9081/q/metrics, else <progress-url>/q/metrics
              --notifier-metrics URL    http://127.0.0.1:9080/q/metrics, else <notifier-url>/q/metrics
              --kafka HOST:PORT         127.0.0.1:9092 (the relay-lag tail and the broker to freeze)
              --no-kafka-tail           do not read the topic (relay lag then comes from the metric only)
              --jdbc-url URL            jdbc:postgresql://127.0.0.1:5432/progress (floor; --db-user, --db-password)
              --keys DIR                signing key for tokens (default target/local-stack/keys when it exists;
                                        otherwise no token is sent)
              --allow-remote            allow non-loopback targets
            load:
              --rate R  --duration D  --warmup D  --workers W  --projects P  --subscribers S
              --rates LIST  --step-duration D  --step-warmup D  --p99-limit D
              --connections LIST  --fanout-projects N  --outage D
              --floor-writers N  --floor-warm-limit D  --requests N (get)  --drain-timeout D  --max-lag D
              --progress-per-step N (overload)
              --project-prefix NAME     project ids are NAME-0 .. NAME-(P-1), reused across runs (bench)
              --out DIR                 where results go (target/bench)
              --wait-quiet D            before each scenario, wait up to D until processes outside the stack
                                        use under 0.25 cores for 10 s (concurrent builds skew results)
              --jfr                     a flight recording (jcmd JFR.start, profile) of every service JVM and
                                        the broker over each measured window, to <out>/jfr/
            durations: 250ms, 30s, 2m; plain numbers are seconds.
            """;

    String scenario;
    URI progressUrl = URI.create("http://127.0.0.1:8081");
    URI notifierUrl = URI.create("http://127.0.0.1:8080");
    URI auditUrl = URI.create("http://127.0.0.1:8082");
    URI alertUrl = URI.create("http://127.0.0.1:8083");
    URI progressMetrics;
    URI notifierMetrics;
    String kafka = "127.0.0.1:9092";
    boolean kafkaTail = true;
    boolean jfr;
    String jdbcUrl = "jdbc:postgresql://127.0.0.1:5432/progress";
    String dbUser = "postgres";
    String dbPassword = "postgres";
    Path keys;
    boolean allowRemote;
    Path out = Path.of("target/bench");
    String projectPrefix = "bench";

    Double rate;
    Duration duration;
    Duration warmup;
    Integer workers;
    Integer projects;
    Integer subscribers;
    String rates = "100,200,400,600,800,1000,1200,1400,1600,2000,2500,3000";
    Duration stepDuration = Duration.ofSeconds(25);
    Duration stepWarmup = Duration.ofSeconds(5);
    Duration p99Limit = Duration.ofMillis(100);
    String connections = "1000,10000";
    int fanoutProjects = 50;
    Duration outage = Duration.ofSeconds(30);
    int floorWriters = 8;
    /** floor: the write path warms in closed-loop slices until its rate stops rising, at most this long. */
    Duration floorWarmLimit = Duration.ofMinutes(2);
    int requests = 50_000;
    /** Overload: null sizes it to the load (BenchProjects.progressPerStep). */
    Integer progressPerStep;
    Duration drainTimeout = Duration.ofSeconds(30);
    Duration maxLag = Duration.ofSeconds(60);
    Duration waitQuiet = Duration.ZERO;
    final List<String> commandLine = new ArrayList<>();

    public static BenchOptions parse(String[] args) {
        BenchOptions o = new BenchOptions();
        o.commandLine.addAll(List.of(args));
        if (args.length == 0 || args[0].startsWith("-")) {
            if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
                throw new HelpRequested();
            }
            throw new IllegalArgumentException("name a scenario: " + String.join(", ", SCENARIOS));
        }
        o.scenario = args[0].toLowerCase(Locale.ROOT);
        if (!SCENARIOS.contains(o.scenario)) {
            throw new IllegalArgumentException("unknown scenario '" + args[0] + "'; one of " + String.join(", ", SCENARIOS));
        }
        for (int i = 1; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--allow-remote" -> o.allowRemote = true;
                case "--no-kafka-tail" -> o.kafkaTail = false;
                case "--jfr" -> o.jfr = true;
                case "--help", "-h" -> throw new HelpRequested();
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(option + " needs a value");
                    }
                    o.set(option, args[++i]);
                }
            }
        }
        o.validate();
        return o;
    }

    private void set(String option, String value) {
        switch (option) {
            case "--progress-url" -> progressUrl = url(option, value);
            case "--notifier-url" -> notifierUrl = url(option, value);
            case "--audit-url" -> auditUrl = url(option, value);
            case "--alert-url" -> alertUrl = url(option, value);
            case "--progress-metrics" -> progressMetrics = url(option, value);
            case "--notifier-metrics" -> notifierMetrics = url(option, value);
            case "--kafka" -> kafka = value;
            case "--jdbc-url" -> jdbcUrl = value;
            case "--db-user" -> dbUser = value;
            case "--db-password" -> dbPassword = value;
            case "--keys" -> keys = Path.of(value);
            case "--out" -> out = Path.of(value);
            case "--project-prefix" -> {
                if (!value.matches("[A-Za-z0-9._-]{1,40}")) {
                    throw new IllegalArgumentException("--project-prefix must match [A-Za-z0-9._-]{1,40}");
                }
                projectPrefix = value;
            }
            case "--rate" -> rate = number(option, value, 0.1, RateSchedule.MAX_RATE);
            case "--duration" -> duration = duration(option, value, Duration.ofSeconds(1), RateSchedule.MAX_DURATION);
            case "--warmup" -> warmup = duration(option, value, Duration.ZERO, Duration.ofMinutes(5));
            case "--workers" -> workers = (int) number(option, value, 1, 1024);
            case "--projects" -> projects = (int) number(option, value, 1, 5_000);
            case "--subscribers" -> subscribers = (int) number(option, value, 0, 19_000);
            case "--rates" -> {
                RateSchedule.parseRates(value);
                rates = value;
            }
            case "--step-duration" -> stepDuration = duration(option, value, Duration.ofSeconds(2), Duration.ofMinutes(10));
            case "--step-warmup" -> stepWarmup = duration(option, value, Duration.ZERO, Duration.ofMinutes(5));
            case "--p99-limit" -> p99Limit = duration(option, value, Duration.ofMillis(1), Duration.ofMinutes(1));
            case "--connections" -> {
                parseCounts(value, 1, 19_000);
                connections = value;
            }
            case "--fanout-projects" -> fanoutProjects = (int) number(option, value, 1, 5_000);
            case "--outage" -> outage = duration(option, value, Duration.ofSeconds(1), Duration.ofMinutes(5));
            case "--floor-writers" -> floorWriters = (int) number(option, value, 1, 64);
            case "--floor-warm-limit" -> floorWarmLimit = duration(option, value, Duration.ZERO, Duration.ofMinutes(10));
            case "--requests" -> requests = (int) number(option, value, 1, 5_000_000);
            case "--progress-per-step" -> progressPerStep = (int) number(option, value, 1, 100);
            case "--drain-timeout" -> drainTimeout = duration(option, value, Duration.ofSeconds(1), Duration.ofMinutes(10));
            case "--max-lag" -> maxLag = duration(option, value, Duration.ofSeconds(1), Duration.ofMinutes(10));
            case "--wait-quiet" -> waitQuiet = duration(option, value, Duration.ZERO, Duration.ofHours(2));
            default -> throw new IllegalArgumentException("unknown option " + option);
        }
    }

    private void validate() {
        if (allowRemote) {
            return;
        }
        List<String> hosts = new ArrayList<>();
        for (URI uri : new URI[] {progressUrl, notifierUrl, auditUrl, alertUrl, progressMetrics, notifierMetrics}) {
            if (uri != null) {
                hosts.add(uri.getHost());
            }
        }
        hosts.add(hostOfHostPort(kafka));
        hosts.add(jdbcHost(jdbcUrl));
        for (String host : hosts) {
            if (!isLoopback(host)) {
                throw new IllegalArgumentException("refusing non-loopback target " + host
                        + ": the tool drives 127.0.0.1 only unless --allow-remote is given");
            }
        }
    }

    /** Loopback: 127.0.0.0/8, ::1, or "localhost". Other names are resolved and must be loopback too. */
    public static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            InetAddress[] addresses = InetAddress.getAllByName(h);
            for (InetAddress address : addresses) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return addresses.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static String hostOfHostPort(String hostPort) {
        String first = hostPort.split(",")[0].strip();
        if (first.startsWith("[")) {
            return first.substring(0, first.indexOf(']') + 1);
        }
        int colon = first.lastIndexOf(':');
        return colon < 0 ? first : first.substring(0, colon);
    }

    static int portOfHostPort(String hostPort, int fallback) {
        String first = hostPort.split(",")[0].strip();
        int colon = first.lastIndexOf(':');
        try {
            return colon < 0 ? fallback : Integer.parseInt(first.substring(colon + 1));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static final Pattern JDBC = Pattern.compile("jdbc:postgresql://(\\[[^]]+]|[^:/?]+)(?::(\\d+))?/.*");

    static String jdbcHost(String url) {
        Matcher m = JDBC.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException("--jdbc-url must be jdbc:postgresql://host[:port]/db, got " + url);
        }
        return m.group(1);
    }

    static int jdbcPort(String url) {
        Matcher m = JDBC.matcher(url);
        return m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : 5432;
    }

    public static Duration parseDuration(String value) {
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?").matcher(value.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: " + value + " (e.g. 250ms, 30s, 2m)");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> amount;
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            default -> amount * 3_600_000;
        };
        return Duration.ofMillis(Math.round(millis));
    }

    public static List<Integer> parseCounts(String spec, int min, int max) {
        List<Integer> counts = new ArrayList<>();
        for (String part : spec.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int n;
            try {
                n = Integer.parseInt(part.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a count: " + part);
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException("count must be in " + min + ".." + max + ", got " + n);
            }
            counts.add(n);
        }
        if (counts.isEmpty() || counts.size() > 10) {
            throw new IllegalArgumentException("give 1..10 counts, got '" + spec + "'");
        }
        return counts;
    }

    private static Duration duration(String option, String value, Duration min, Duration max) {
        Duration d;
        try {
            d = parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(option + " must be within " + min + ".." + max + ", got " + value);
        }
        return d;
    }

    private static double number(String option, String value, double min, double max) {
        double n;
        try {
            n = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number, got " + value);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(option + " must be within " + min + ".." + max + ", got " + value);
        }
        return n;
    }

    private static URI url(String option, String value) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + " is not a URL: " + value);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(option + " must be an http:// URL, got " + value);
        }
        return uri;
    }

    /** The keys directory to mint tokens from: the option, else the local stack's when it exists, else none. */
    Path keysDirectory() {
        if (keys != null) {
            return keys;
        }
        Path local = Path.of("target/local-stack/keys");
        return Files.isRegularFile(local.resolve(io.stepprogress.security.DevKeys.AUTHORITY_SIGNING_KEY)) ? local : null;
    }

    static URI management(URI main, int port) {
        return URI.create("http://" + main.getHost() + ":" + port + "/q/metrics");
    }

    URI progressManagementMetrics() {
        return progressMetrics != null ? progressMetrics : management(progressUrl, 9081);
    }

    URI notifierManagementMetrics() {
        return notifierMetrics != null ? notifierMetrics : management(notifierUrl, 9080);
    }

    /** The ports whose owners the process sampler measures, by name. */
    Map<String, Integer> processPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("postgresql", jdbcPort(jdbcUrl));
        ports.put("kafka", portOfHostPort(kafka, 9092));
        ports.put("progress-service", port(progressUrl));
        ports.put("notifier-service", port(notifierUrl));
        ports.put("audit-consumer", port(auditUrl));
        ports.put("alert-consumer", port(alertUrl));
        return ports;
    }

    static int port(URI uri) {
        return uri.getPort() > 0 ? uri.getPort() : 80;
    }

    /** The options as run, for the reports. */
    String command() {
        return "./bench.sh " + String.join(" ", commandLine);
    }

    /** Asked for --help. */
    static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HelpRequested() {
            super(null, null, false, false);
        }
    }
}
