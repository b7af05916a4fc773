package io.stepprogress.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepprogress.client.ConflictException;
import io.stepprogress.client.NotFoundException;
import io.stepprogress.client.ProgressClient;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepView;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What every scenario shares: the options, the clients, the tokens, and the set-up of projects and streams. */
public final class BenchContext {

    final BenchOptions options;
    final Tokens tokens;
    final ProgressClient client;
    /** The load's writes: {@link #client} with its progress and complete over kept-alive sockets. */
    final KeepAliveWriter writer;
    final MetricsEndpoint progressMetrics;
    final MetricsEndpoint notifierMetrics;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String notifierSnapshotToken;
    private List<ProcessSampler.Group> processGroups;
    private volatile String scenario = "bench";
    private int observations;

    BenchContext(BenchOptions options) {
        this.options = options;
        this.tokens = Tokens.from(options.keysDirectory(), options.projectPrefix);
        this.client = ProgressClient.builder(options.progressUrl)
                .bearerToken(tokens.writer())
                // No retry: every failure is counted, and the open-loop latency shows what a retry would cost.
                .retries(1, Duration.ZERO, Duration.ZERO)
                .requestTimeout(Duration.ofSeconds(10))
                .userAgent("step-progress-bench")
                .build();
        this.writer = new KeepAliveWriter(client, options.progressUrl, tokens.writer());
        this.progressMetrics = new MetricsEndpoint("progress-service", options.progressManagementMetrics(),
                options.progressUrl.resolve("/q/metrics"));
        this.notifierMetrics = new MetricsEndpoint("notifier-service", options.notifierManagementMetrics(),
                options.notifierUrl.resolve("/q/metrics"));
        this.notifierSnapshotToken = tokens.subscriber("bench-snapshot-reader");
    }

    static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "%tT  " + format + "%n", prepend(System.currentTimeMillis(), args));
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    /**
     * Starts a fresh run of the default plan on every project (cancelling a run still in progress from an
     * earlier benchmark), so each scenario starts from pending steps and a known sequence. Project ids are
     * reused across runs, which keeps the notifier's per-project history (and memory) bounded.
     */
    void setUp(BenchProjects projects) {
        setUp(projects, null);
    }

    /**
     * As {@link #setUp(BenchProjects)}, with this plan instead of the service's default one when not null. A
     * project that already ran gets its next run: a start without a run number would answer the finished one.
     */
    void setUp(BenchProjects projects, List<io.stepprogress.client.PlannedStep> plan) {
        long started = System.nanoTime();
        for (BenchProjects.Project p : projects.all()) {
            try {
                client.cancel(p.id(), "bench: new run");
            } catch (NotFoundException | ConflictException e) {
                // never started, or already finished: either way the next run can start
            }
            InitializationView current;
            try {
                current = client.progress(p.id());
            } catch (NotFoundException e) {
                current = null;
            }
            InitializationView view;
            if (current == null) {
                view = plan == null ? client.start(p.id()) : client.start(p.id(), plan);
            } else {
                view = plan == null ? client.startRun(p.id(), current.run() + 1)
                        : client.startRun(p.id(), current.run() + 1, plan);
            }
            p.lastSequence = view.sequence();
            p.updates = 0;
            p.steps = view.steps().stream().map(StepView::name).toList();
            p.lastWritten.set(view.sequence());
            p.started(view);
        }
        log("set up %d projects (%s-0 .. %s-%d) in %.1f s", projects.size(), options.projectPrefix,
                options.projectPrefix, projects.size() - 1, (System.nanoTime() - started) / 1e9);
    }

    /** Waits (bounded) until the notifier's read model has every project at its last written sequence. */
    void awaitNotifier(BenchProjects projects, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (BenchProjects.Project p : projects.all()) {
            while (notifierSequence(p.id()) < p.lastWritten()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the notifier did not catch up with " + p.id() + " (sequence "
                            + p.lastWritten() + ") within " + timeout + ": is it consuming?");
                }
                sleep(50);
            }
        }
    }

    /** The sequence the notifier's read model holds for a project; -1 when unknown. */
    long notifierSequence(String projectId) {
        String body = notifierProgress(projectId);
        if (body == null) {
            return -1;
        }
        try {
            JsonNode view = json.readTree(body);
            return view.path("sequence").asLong(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The notifier's answer to GET /api/projects/{id}/progress; null when it is not a 200. */
    String notifierProgress(String projectId) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(options.notifierUrl.resolve(
                    "/api/projects/" + projectId + "/progress")).timeout(Duration.ofSeconds(5)).GET();
            if (notifierSnapshotToken != null) {
                request.header("Authorization", "Bearer " + notifierSnapshotToken);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                throw new IllegalStateException("the notifier refused the snapshot request (" + response.statusCode()
                        + "): pass --keys with the stack's signing key");
            }
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** {@code --jfr}: flight recordings of every stack JVM, started now (before a measured window); else null. */
    FlightRecordings startFlightRecordings() {
        return options.jfr ? FlightRecordings.start(processGroups(), label(), options.out) : null;
    }

    void scenario(String name) {
        this.scenario = name;
    }

    /** A unique label for an observation of the current scenario (flight recording names). */
    synchronized String label() {
        return scenario + "-" + (++observations);
    }

    /** The stack's processes by the ports they listen on; found once, again when one of them is gone. */
    synchronized List<ProcessSampler.Group> processGroups() {
        if (processGroups == null || !ProcessSampler.alive(processGroups)) {
            processGroups = ProcessSampler.discover(options.processPorts(), java.util.Set.of("postgresql"));
        }
        return processGroups;
    }

    String notifierSnapshotToken() {
        return notifierSnapshotToken;
    }

    InetSocketAddress notifierAddress() {
        URI u = options.notifierUrl;
        return new InetSocketAddress(u.getHost(), u.getPort() > 0 ? u.getPort() : 80);
    }

    String notifierBasePath() {
        String path = options.notifierUrl.getPath();
        return path == null ? "" : path;
    }

    /**
     * Opens {@code count} streams, stream {@code s} on project {@code s mod P}, with one subscriber token per
     * {@link Tokens#STREAMS_PER_TOKEN} streams, and waits (bounded) until each has its snapshot or failed.
     */
    SseSubscribers subscribe(BenchProjects projects, int count, SseSubscribers.Sink sink, Latency connect,
                             Latency firstFrame, Duration timeout) {
        return subscribe(projects, count, sink, connect, firstFrame, timeout, false);
    }

    /** @param track keep what every stream receives ({@link SseSubscribers#track}) */
    SseSubscribers subscribe(BenchProjects projects, int count, SseSubscribers.Sink sink, Latency connect,
                             Latency firstFrame, Duration timeout, boolean track) {
        String[] tokens = this.tokens.subscribers(count);
        List<SseSubscribers.Target> targets = new ArrayList<>(count);
        for (int s = 0; s < count; s++) {
            targets.add(new SseSubscribers.Target(s % projects.size(), tokens[s]));
        }
        SseSubscribers subscribers = new SseSubscribers(notifierAddress(), notifierBasePath(), projects, connect,
                firstFrame, sink, 256);
        if (track) {
            subscribers.track();
        }
        long started = System.nanoTime();
        subscribers.open(targets);
        boolean settled = SseSubscribers.await(() -> subscribers.settled() >= count, timeout.toNanos());
        log("%d of %d streams open with their snapshot in %.1f s%s%s", subscribers.withSnapshot(), count,
                (System.nanoTime() - started) / 1e9, settled ? "" : " (timed out waiting for the rest)",
                subscribers.failed() > 0 ? "; failures " + subscribers.failures() : "");
        return subscribers;
    }

    /** Waits (bounded) until the notifier reports fewer than 10 SSE clients, so sizes do not overlap. */
    void awaitStreamsClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            io.stepprogress.testkit.PrometheusMetrics metrics = notifierMetrics.scrape();
            if (metrics == null || metrics.value("notifier_sse_clients") < 10) {
                return;
            }
            sleep(200);
        }
        log("the notifier still counts SSE clients after %d s", timeout.toSeconds());
    }

    /**
     * Waits, up to {@code limit}, for a quiet machine: processes outside the stack and this tool under 0.25
     * cores over 10 s. Answers at once for a zero limit; goes on (and the report says how busy it was) when
     * the machine stays busy.
     */
    void awaitQuiet(Duration limit) {
        if (limit.isZero()) {
            return;
        }
        awaitUnder(limit, 10_000, SideMeasurements.NOT_QUIET_CORES, u -> u.name().equals("other"),
                "machine quiet: %.2f cores used outside the stack",
                "waiting for a quiet machine: %.2f cores used outside the stack");
    }

    /**
     * Between the scenarios of {@code all}: waits (up to {@code limit}) until the stack itself has used under
     * 0.3 cores for 5 s, so a scenario does not start inside the previous one's aftermath (a checkpoint after the
     * floor's writes, the WAL the relay still decodes, a consumer catching up) and count it as its own latency.
     */
    void awaitStackSettled(Duration limit) {
        awaitUnder(limit, 5_000, 0.3, u -> Report.inStack(u.name()), "stack settled: %.2f cores",
                "waiting for the stack to settle after the previous scenario: %.2f cores");
    }

    /** What {@link #awaitStackAtRest} waits for: the stack under this many cores over a window, within a limit. */
    static final double AT_REST_CORES = 0.1;
    static final Duration AT_REST_WINDOW = Duration.ofSeconds(5);
    static final Duration AT_REST_LIMIT = Duration.ofSeconds(60);

    /**
     * Before {@code idle}: a stack just off a load is not at rest yet (at `547b86d`, `idle` right after the warm-up read
     * 0.060 cores, progress-service 0.032; on the same stack minutes later, 0.032 and 0.015).
     */
    void awaitStackAtRest() {
        awaitUnder(AT_REST_LIMIT, AT_REST_WINDOW.toMillis(), AT_REST_CORES, u -> Report.inStack(u.name()),
                "stack at rest: %.2f cores", "waiting for the stack to come to rest: %.2f cores");
    }

    /** Samples window after window until the chosen processes use under {@code cores}, for at most {@code limit}. */
    private void awaitUnder(Duration limit, long windowMillis, double cores,
                            java.util.function.Predicate<ProcessSampler.Usage> chosen, String done, String waiting) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            ProcessSampler sampler = ProcessSampler.start(processGroups());
            sleep(windowMillis);
            sampler.close();
            double used = sampler.usage().stream().filter(chosen).mapToDouble(ProcessSampler.Usage::cpuCores).sum();
            if (used < cores) {
                log(done, used);
                return;
            }
            if (System.nanoTime() > deadline) {
                log("still %.2f cores after waiting %d s: going on", used, limit.toSeconds());
                return;
            }
            log(waiting + ", load %.2f", used, ProcFs.loadAverage()[0]);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
