package io.stepprogress.demo;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * The command line of {@link DemoWorker}.
 *
 * @param speed       multiplier applied to every wait (0.5 = twice as fast, 0 = no waiting at all)
 * @param runs        runs in total over all projects; 0 = until stopped
 * @param cancelRate  share of runs cancelled midway (among those that do not fail)
 * @param seed        null = a different run every time
 */
public record DemoOptions(URI progressUrl, int projects, double failureRate, double cancelRate, double speed,
                          long runs, String token, Long seed) {

    public static final String USAGE = """
            usage: java -jar demo-worker.jar [options]

            Keeps running demo project initializations against progress-service through its public API.

              --progress-url URL   progress-service base URL          (default http://127.0.0.1:8081)
              --projects N         projects initialized concurrently  (default 3)
              --failure-rate R     share of runs failing a step, 0..1 (default 0.1)
              --cancel-rate R      share of runs cancelled, 0..1      (default 0.02)
              --speed F            time multiplier for every wait: 0.5 = twice as fast, 0 = no waits (default 1.0)
              --runs N             runs in total, 0 = until stopped   (default 0)
              --token TOKEN        bearer token (default: $PROGRESS_TOKEN, else none)
              --seed N             random seed for reproducible runs
              --help               this text

            Stop it with Ctrl-C (SIGINT) or SIGTERM: unfinished runs are cancelled on the way out.""";

    public DemoOptions {
        Objects.requireNonNull(progressUrl, "progressUrl");
        require(projects >= 1 && projects <= 1000, "--projects must be between 1 and 1000, got " + projects);
        require(failureRate >= 0 && failureRate <= 1, "--failure-rate must be between 0 and 1, got " + failureRate);
        require(cancelRate >= 0 && cancelRate <= 1, "--cancel-rate must be between 0 and 1, got " + cancelRate);
        require(speed >= 0 && speed <= 1000 && !Double.isNaN(speed), "--speed must be between 0 and 1000, got " + speed);
        require(runs >= 0, "--runs must be 0 (forever) or more, got " + runs);
        require("http".equalsIgnoreCase(progressUrl.getScheme()) || "https".equalsIgnoreCase(progressUrl.getScheme()),
                "--progress-url must be an http(s) URL, got " + progressUrl);
        require(progressUrl.getHost() != null, "--progress-url has no host: " + progressUrl);
    }

    public static DemoOptions defaults() {
        return new DemoOptions(URI.create("http://127.0.0.1:8081"), 3, 0.1, 0.02, 1.0, 0, null, null);
    }

    /**
     * Parses {@code --name value} and {@code --name=value}.
     *
     * @param environmentToken used when there is no {@code --token}; may be null
     * @return null when {@code --help} was asked for
     * @throws IllegalArgumentException for an unknown option or a bad value, with a message for the user
     */
    public static DemoOptions parse(String[] args, String environmentToken) {
        DemoOptions o = defaults();
        URI url = o.progressUrl;
        int projects = o.projects;
        double failureRate = o.failureRate;
        double cancelRate = o.cancelRate;
        double speed = o.speed;
        long runs = o.runs;
        String token = blankToNull(environmentToken);
        Long seed = o.seed;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return null;
            }
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(name + " needs a value");
            }
            switch (name.toLowerCase(Locale.ROOT)) {
                case "--progress-url" -> url = url(value);
                case "--projects" -> projects = (int) number(name, value, Integer.MAX_VALUE);
                case "--failure-rate" -> failureRate = decimal(name, value);
                case "--cancel-rate" -> cancelRate = decimal(name, value);
                case "--speed" -> speed = decimal(name, value);
                case "--runs" -> runs = number(name, value, Long.MAX_VALUE);
                case "--token" -> token = blankToNull(value);
                case "--seed" -> seed = number(name, value, Long.MAX_VALUE);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        return new DemoOptions(url, projects, failureRate, cancelRate, speed, runs, token, seed);
    }

    @Override
    public String toString() {
        return "DemoOptions[progressUrl=" + progressUrl + ", projects=" + projects + ", failureRate=" + failureRate
                + ", cancelRate=" + cancelRate + ", speed=" + speed + ", runs=" + runs
                + ", token=" + (token == null ? "none" : "***") + ", seed=" + seed + "]";
    }

    private static URI url(String value) {
        try {
            return URI.create(value.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--progress-url is not a URL: " + value);
        }
    }

    private static long number(String name, String value, long max) {
        try {
            long parsed = Long.parseLong(value.strip());
            if (parsed > max || parsed < Integer.MIN_VALUE && max == Integer.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs an integer, got '" + value + "'");
        }
    }

    private static double decimal(String name, String value) {
        try {
            return Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a number, got '" + value + "'");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
