package io.stepprogress.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/** The scenarios. Each is bounded in count and time, and answers a report and its chart. */
final class Scenarios {

    record Result(Report report, SvgChart chart) {
    }

    private Scenarios() {
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    // ------------------------------------------------------------------------------------------------------
    // steady

    static Result steady(Bench b) {
        BenchOptions o = b.options;
        double rate = or(o.rate, 500.0);
        Duration duration = or(o.duration, Duration.ofMinutes(2));
        Duration warmup = or(o.warmup, Duration.ofSeconds(10));
        int workers = or(o.workers, 8);
        int projectCount = Math.max(workers, or(o.projects, 64));
        int subscriberCount = or(o.subscribers, projectCount);
        Report report = new Report("steady", f("%.0f updates/s for %d s, open loop", rate, duration.toSeconds()));
        Load load = Load.prepare(b, report, projectCount, subscriberCount);
        report.parameters.put("rate (updates/s)", rate);
        report.parameters.put("duration", duration.toSeconds() + " s (+" + warmup.toSeconds() + " s warm-up, not measured)");
        report.parameters.put("workers", workers);
        report.parameters.put("projects", projectCount);
        report.parameters.put("subscribers", subscriberCount);
        report.parameters.put("auth", b.tokens.describe());
        try {
            Load.Run run = load.run(rate, duration, warmup, workers, true);
            run.fill(report);
            LatencySummary e2e = report.latency("e2e");
            report.target("e2e p50 at 500 updates/s", "<= 10 ms", Report.ms(e2e.p50()) + " ms at " + f("%.0f/s", rate),
                    e2e.count() == 0 ? null : e2e.p50() <= 10);
            report.target("e2e p99 at 500 updates/s", "<= 50 ms", Report.ms(e2e.p99()) + " ms at " + f("%.0f/s", rate),
                    e2e.count() == 0 ? null : e2e.p99() <= 50);
            if (rate != 500) {
                report.notes.add("the targets are stated for 500 updates/s; this run used " + f("%.0f", rate));
            }
            SvgChart chart = new SvgChart(f("steady %.0f/s: latency by percentile", rate), "percentile")
                    .percentileTicks()
                    .series("write (due → 200)", SvgChart.spectrum(run.stats.write.copy()))
                    .series("e2e (due → SSE frame)", SvgChart.spectrum(run.e2e.copy()))
                    .series("relay (occurredAt → Kafka record)", SvgChart.spectrum(run.relay.copy()))
                    .line(10, "e2e p50 target 10 ms").line(50, "e2e p99 target 50 ms");
            return new Result(report, chart);
        } finally {
            load.close();
        }
    }

    // ------------------------------------------------------------------------------------------------------
    // ramp

    static Result ramp(Bench b) {
        BenchOptions o = b.options;
        List<Double> rates = RateSchedule.parseRates(o.rates);
        int workers = or(o.workers, 16);
        int projectCount = Math.max(workers, or(o.projects, 64));
        int subscriberCount = or(o.subscribers, projectCount);
        double limitMs = o.p99Limit.toNanos() / 1e6;
        Report report = new Report("ramp", f("maximum sustained rate with e2e p99 < %s ms", SvgChart.number(limitMs)));
        report.parameters.put("rates", o.rates);
        report.parameters.put("step", o.stepDuration.toSeconds() + " s (first " + o.stepWarmup.toSeconds()
                + " s not measured)");
        report.parameters.put("pass", "e2e p99 < " + SvgChart.number(limitMs) + " ms, achieved >= 95% of the rate, "
                + "errors <= 0.1%, every frame delivered");
        report.parameters.put("workers", workers);
        report.parameters.put("projects", projectCount);
        report.parameters.put("subscribers", subscriberCount);
        report.parameters.put("auth", b.tokens.describe());
        Load load = Load.prepare(b, report, projectCount, subscriberCount);
        List<double[]> p50 = new ArrayList<>();
        List<double[]> p99 = new ArrayList<>();
        List<double[]> writeP99 = new ArrayList<>();
        double best = 0;
        Load.Run lastRun = null;
        String failure = null;
        try {
            for (double rate : rates) {
                Duration measured = o.stepDuration.minus(o.stepWarmup);
                Load.Run run = load.run(rate, measured, o.stepWarmup, workers, false);
                lastRun = run;
                LatencySummary e2e = run.e2e.summary();
                LatencySummary write = run.stats.write.summary();
                double achieved = run.stats.achievedPerSecond();
                long errors = run.stats.errorCount();
                long sent = Math.max(1, run.stats.sent.sum());
                String why = null;
                if (run.stats.abortedBehindSchedule()) {
                    why = "fell more than " + o.maxLag.toSeconds() + " s behind schedule";
                } else if (e2e.count() == 0) {
                    why = "no frame measured";
                } else if (e2e.p99() >= limitMs) {
                    why = "e2e p99 " + Report.ms(e2e.p99()) + " ms";
                } else if (achieved < 0.95 * rate) {
                    why = f("achieved %.0f/s", achieved);
                } else if (errors > 0.001 * sent) {
                    why = errors + " errors";
                } else if (run.behindAfterDrain > 0) {
                    why = run.behindAfterDrain + " streams missing frames after the drain";
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("rate/s", rate);
                row.put("achieved/s", round(achieved));
                row.put("write p50", write.p50());
                row.put("write p99", write.p99());
                row.put("e2e p50", e2e.p50());
                row.put("e2e p99", e2e.p99());
                row.put("e2e p99.9", e2e.p999());
                row.put("e2e max", e2e.max());
                row.put("errors", errors);
                for (ProcessSampler.Usage u : run.processes) {
                    if (!u.name().startsWith("bench")) {
                        row.put("cpu " + shortName(u.name()), u.cpuCores());
                    } else {
                        row.put("cpu bench", u.cpuCores());
                    }
                }
                row.put("busy cores", run.busyCores);
                row.put("pass", why == null ? "pass" : "**FAIL**");
                row.put("why not", why == null ? "" : why);
                report.steps.add(row);
                p50.add(new double[] {rate, e2e.p50()});
                p99.add(new double[] {rate, e2e.p99()});
                writeP99.add(new double[] {rate, write.p99()});
                Bench.log("ramp %.0f/s: achieved %.0f/s, e2e p50 %s p99 %s ms, write p99 %s ms -> %s", rate, achieved,
                        Report.ms(e2e.p50()), Report.ms(e2e.p99()), Report.ms(write.p99()), why == null ? "pass" : why);
                if (why != null) {
                    failure = f("%.0f/s: %s", rate, why);
                    break;
                }
                best = rate;
            }
        } finally {
            load.close();
        }
        if (lastRun != null) {
            lastRun.fill(report);
        }
        report.throughput.put("max sustained rate (updates/s)", best);
        report.notes.add(0, best > 0
                ? f("maximum sustained rate: %.0f updates/s (the last passing step)%s", best,
                        failure == null ? "; every step passed, so the real maximum is higher" : "; first failing step " + failure)
                : "no step passed: " + failure);
        report.notes.add("latencies, throughput, counts and processes above are those of the last step run");
        SvgChart chart = new SvgChart("ramp: latency by offered rate", "offered rate (updates/s)")
                .series("e2e p50", p50).series("e2e p99", p99).series("write p99", writeP99)
                .line(limitMs, "pass: e2e p99 < " + SvgChart.number(limitMs) + " ms");
        return new Result(report, chart);
    }

    static String shortName(String process) {
        return switch (process) {
            case "progress-service" -> "progress";
            case "notifier-service" -> "notifier";
            case "audit-consumer" -> "audit";
            case "alert-consumer" -> "alert";
            case "postgresql" -> "postgres";
            default -> process;
        };
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    // ------------------------------------------------------------------------------------------------------
    // fanout

    static Result fanout(Bench b) {
        BenchOptions o = b.options;
        List<Integer> counts = BenchOptions.parseCounts(o.connections, 1, 19_000);
        double rate = or(o.rate, 50.0);
        Duration duration = or(o.duration, Duration.ofSeconds(60));
        Duration warmup = or(o.warmup, Duration.ofSeconds(10));
        int workers = Math.min(or(o.workers, 4), o.fanoutProjects);
        Report report = new Report("fanout", f("SSE connections %s on one notifier at %.0f updates/s", o.connections, rate));
        report.parameters.put("connections", o.connections);
        report.parameters.put("rate (updates/s)", rate);
        report.parameters.put("projects", o.fanoutProjects + " (each stream watches one; every update goes to "
                + "connections / projects streams)");
        report.parameters.put("duration", duration.toSeconds() + " s per size (+" + warmup.toSeconds() + " s warm-up)");
        report.parameters.put("workers", workers);
        report.parameters.put("auth", b.tokens.describe() + (b.tokens.enabled() ? ", one subscriber token per "
                + Tokens.STREAMS_PER_TOKEN + " streams" : ""));
        SvgChart chart = new SvgChart(f("fanout at %.0f updates/s: delivery latency by percentile", rate), "percentile")
                .percentileTicks().line(200, "p99 target 200 ms");
        LatencySummary atTenThousand = null;
        for (int n : counts) {
            Load load = Load.prepare(b, null, o.fanoutProjects, 0);
            try {
                Load.Run run = load.runWithStreams(n, rate, duration, warmup, workers);
                LatencySummary delivery = run.e2e.summary();
                LatencySummary connect = run.connect.summary();
                ProcessSampler.Usage notifier = run.processes.stream()
                        .filter(u -> u.name().equals("notifier-service")).findFirst().orElse(null);
                ProcessSampler.Usage self = run.processes.stream().filter(u -> u.name().startsWith("bench"))
                        .findFirst().orElse(null);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("connections", n);
                row.put("open", run.streamsOpen);
                row.put("failed", run.streamsFailed);
                row.put("connect p50", connect.p50());
                row.put("connect p99", connect.p99());
                row.put("connect max", connect.max());
                row.put("all open in (s)", round(run.connectSeconds));
                row.put("delivery p50", delivery.p50());
                row.put("delivery p99", delivery.p99());
                row.put("delivery p99.9", delivery.p999());
                row.put("delivery max", delivery.max());
                row.put("frames/s", round(run.framesPerSecond));
                row.put("notifier cpu avg", notifier == null ? null : notifier.cpuCores());
                row.put("notifier cpu peak", notifier == null ? null : notifier.peakCpuCores());
                row.put("notifier rss max MiB", notifier == null ? null : notifier.rssMaxMiB());
                row.put("bench cpu", self == null ? null : self.cpuCores());
                row.put("busy cores", run.busyCores);
                row.put("other cpu", run.processes.stream().filter(u -> u.name().equals("other"))
                        .mapToDouble(ProcessSampler.Usage::cpuCores).sum());
                row.put("dropped/closed by server", run.closedByServer);
                row.put("streams missing frames", run.behindAfterDrain);
                report.steps.add(row);
                report.latency("delivery @" + n, "due → SSE frame at the client", delivery);
                report.latency("connect @" + n, "connect → response headers", connect);
                report.latency("first frame @" + n, "connect → snapshot frame", run.firstFrame.summary());
                report.latency("write @" + n, "due → 200", run.stats.write.summary());
                chart.series("delivery @" + n, SvgChart.spectrum(run.e2e.copy()));
                run.fillMetricHistograms(report, " @" + n);
                if (n == counts.get(counts.size() - 1)) {
                    report.processes.addAll(run.processes);
                    report.machine = run.machine;
                }
                if (n == 10_000) {
                    atTenThousand = delivery;
                }
                Bench.log("fanout %d: %d open, connect p99 %s ms, delivery p50 %s p99 %s ms, notifier %.2f cores, "
                                + "%.0f MiB", n, run.streamsOpen, Report.ms(connect.p99()), Report.ms(delivery.p50()),
                        Report.ms(delivery.p99()), notifier == null ? 0 : notifier.cpuCores(),
                        notifier == null ? 0 : notifier.rssMaxMiB());
            } finally {
                load.close();
            }
            b.awaitStreamsClosed(Duration.ofSeconds(60));
        }
        report.notes.add("processes: those of the largest size");
        report.target("10,000 SSE clients, p99 delivery at 50 updates/s", "<= 200 ms",
                atTenThousand == null ? "not run" : Report.ms(atTenThousand.p99()) + " ms at " + f("%.0f/s", rate),
                atTenThousand == null || atTenThousand.count() == 0 ? null : atTenThousand.p99() <= 200);
        return new Result(report, chart);
    }

    // ------------------------------------------------------------------------------------------------------
    // recovery

    static Result recovery(Bench b) {
        BenchOptions o = b.options;
        double rate = or(o.rate, 200.0);
        Duration warmup = or(o.warmup, Duration.ofSeconds(20));
        Duration after = or(o.duration, Duration.ofSeconds(60));
        int workers = or(o.workers, 8);
        int projectCount = Math.max(workers, or(o.projects, 20));
        int subscriberCount = or(o.subscribers, projectCount);
        Report report = new Report("recovery", f("Kafka frozen for %d s at %.0f updates/s", o.outage.toSeconds(), rate));
        report.parameters.put("rate (updates/s)", rate);
        report.parameters.put("timeline", f("%d s normal (the first %d s not measured), %d s Kafka frozen (SIGSTOP "
                + "of the broker JVM), then SIGCONT and %d s more writing", warmup.toSeconds(), warmup.toSeconds() / 2,
                o.outage.toSeconds(), after.toSeconds()));
        report.parameters.put("workers", workers);
        report.parameters.put("projects", projectCount);
        report.parameters.put("subscribers", subscriberCount);
        report.parameters.put("auth", b.tokens.describe());
        int kafkaPort = BenchOptions.portOfHostPort(o.kafka, 9092);
        OptionalInt broker = ListeningSockets.ownerOf(kafkaPort);
        if (broker.isEmpty()) {
            throw new IllegalStateException("no process listens on Kafka's port " + kafkaPort);
        }
        String cmdline = Proc.cmdline(broker.getAsInt());
        if (cmdline == null || !cmdline.contains("KafkaBrokerMain")) {
            throw new IllegalStateException("the process on port " + kafkaPort + " is not the stack's Kafka broker "
                    + "(KafkaBrokerMain); refusing to stop it");
        }
        Load load = Load.prepare(b, report, projectCount, subscriberCount);
        try {
            Load.Run run = load.runWithOutage(rate, warmup, o.outage, after, workers, broker.getAsInt());
            run.fill(report);
            report.parameters.put("broker pid", broker.getAsInt());
            SvgChart chart = new SvgChart(f("recovery: e2e latency per second (Kafka frozen %d..%d s)",
                    warmup.toSeconds(), warmup.plus(o.outage).toSeconds()), "seconds since the load started (by when the update was due)");
            chart.series("e2e p50", column(run.e2e.series(), 2)).series("e2e max", column(run.e2e.series(), 4))
                    .series("write p99", column(run.stats.write.series(), 3));
            return new Result(report, chart);
        } finally {
            load.close();
        }
    }

    private static List<double[]> column(List<double[]> rows, int column) {
        List<double[]> points = new ArrayList<>();
        for (double[] r : rows) {
            points.add(new double[] {r[0], r[column]});
        }
        return points;
    }

    // ------------------------------------------------------------------------------------------------------
    // floor

    static Result floor(Bench b) throws SQLException {
        BenchOptions o = b.options;
        int writers = o.floorWriters;
        Duration duration = or(o.duration, Duration.ofSeconds(30));
        Duration warmup = or(o.warmup, Duration.ofSeconds(5));
        int projectCount = Math.max(writers, or(o.projects, 64));
        Report report = new Report("floor", f("write path vs plain JDBC, %d concurrent writers, closed loop", writers));
        report.parameters.put("writers", writers);
        report.parameters.put("duration", duration.toSeconds() + " s each (+" + warmup.toSeconds() + " s warm-up)");
        report.parameters.put("projects", projectCount);
        report.parameters.put("jdbc", o.jdbcUrl + " (scratch tables " + String.join(", ", JdbcFloor.TABLES) + ")");
        report.parameters.put("auth", b.tokens.describe());

        JdbcFloor floor = new JdbcFloor(o.jdbcUrl, o.dbUser, o.dbPassword, o.projectPrefix, projectCount);
        JdbcFloor.Stats jdbc = new JdbcFloor.Stats(new Latency("jdbc", "one transaction"));
        List<ProcessSampler.Usage> jdbcProcesses;
        double jdbcTps;
        Observation jdbcObservation;
        try {
            floor.setUp();
            Bench.log("floor: JDBC, %d writers, %d s", writers, duration.plus(warmup).toSeconds());
            long start = System.nanoTime();
            long measureFrom = start + warmup.toNanos();
            long end = measureFrom + duration.toNanos();
            Thread writersThread = new Thread(() -> {
                try {
                    floor.run(writers, measureFrom, end, jdbc);
                } catch (SQLException e) {
                    jdbc.errors.computeIfAbsent("connect: " + e.getMessage(), k -> new java.util.concurrent.atomic.LongAdder())
                            .increment();
                }
            }, "bench-floor");
            writersThread.start();
            WriteLoad.sleepUntil(measureFrom);
            jdbcObservation = Observation.start(b);
            try {
                writersThread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Report scratch = new Report("floor-jdbc", "");
            jdbcObservation.finish(scratch, false);
            jdbcProcesses = scratch.processes;
            jdbcTps = jdbc.committed.sum() / (duration.toNanos() / 1e9);
            report.machine = scratch.machine;
        } finally {
            floor.close();
        }

        BenchProjects projects = new BenchProjects(o.projectPrefix, projectCount);
        b.setUp(projects);
        WriteLoad.Stats http = new WriteLoad.Stats(new Latency("write", ""), new Latency("service", ""));
        Bench.log("floor: HTTP through the worker client, %d writers, %d s", writers, duration.plus(warmup).toSeconds());
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        WriteLoad writeLoad = new WriteLoad(b.client, projects, writers);
        Thread writersThread = new Thread(() -> writeLoad.runClosed(measureFrom, end, http), "bench-floor-http");
        writersThread.start();
        WriteLoad.sleepUntil(measureFrom);
        Observation httpObservation = Observation.start(b);
        try {
            writersThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Report httpScratch = new Report("floor-http", "");
        httpObservation.finish(httpScratch, false);
        double httpTps = http.okMeasured() / (duration.toNanos() / 1e9);
        double ratio = jdbcTps > 0 ? httpTps / jdbcTps : Double.NaN;

        report.latency("jdbc transaction", "plain JDBC, begin → commit", jdbc.latency);
        report.latency("http write", "worker client, request → 200", http.write);
        report.throughput.put("jdbc floor (tx/s)", round(jdbcTps));
        report.throughput.put("write path (updates/s)", round(httpTps));
        report.throughput.put("ratio write path / floor", Math.round(ratio * 1000) / 1000.0);
        report.counts.put("jdbc errors", jdbc.errors().isEmpty() ? "0" : jdbc.errors().toString());
        report.counts.put("http errors", http.errors().isEmpty() ? "0" : http.errors().toString());
        report.processes.addAll(httpScratch.processes);
        report.updatesDuringSampling = http.okMeasured();
        for (String phase : new String[] {"jdbc", "http"}) {
            List<ProcessSampler.Usage> usage = phase.equals("jdbc") ? jdbcProcesses : httpScratch.processes;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("phase", phase.equals("jdbc") ? "JDBC floor" : "write path (HTTP)");
            row.put("per second", round(phase.equals("jdbc") ? jdbcTps : httpTps));
            LatencySummary s = phase.equals("jdbc") ? jdbc.latency.summary() : http.write.summary();
            row.put("p50 ms", s.p50());
            row.put("p99 ms", s.p99());
            row.put("max ms", s.max());
            for (ProcessSampler.Usage u : usage) {
                row.put("cpu " + (u.name().startsWith("bench") ? "bench" : shortName(u.name())), u.cpuCores());
            }
            report.steps.add(row);
        }
        report.notes.add("processes: those of the HTTP phase; the table above has both phases' CPU");
        report.target("write path >= 0.5 x JDBC floor at " + writers + " writers", ">= 0.5",
                f("%.2f (%.0f vs %.0f per second)", ratio, httpTps, jdbcTps), Double.isNaN(ratio) ? null : ratio >= 0.5);
        SvgChart chart = new SvgChart(f("floor: %d writers, closed loop", writers), "percentile").percentileTicks()
                .series("JDBC transaction", SvgChart.spectrum(jdbc.latency.copy()))
                .series("write path (HTTP)", SvgChart.spectrum(http.write.copy()));
        return new Result(report, chart);
    }

    // ------------------------------------------------------------------------------------------------------
    // get

    static Result get(Bench b) throws IOException {
        BenchOptions o = b.options;
        int requests = o.requests;
        int warmupRequests = Math.min(10_000, Math.max(1_000, requests / 5));
        Duration limit = or(o.duration, Duration.ofSeconds(120));
        Report report = new Report("get", "notifier GET /api/projects/{id}/progress, one keep-alive connection");
        BenchProjects projects = new BenchProjects(o.projectPrefix, 1);
        b.setUp(projects);
        b.awaitNotifier(projects, Duration.ofSeconds(30));
        String path = b.notifierBasePath().replaceAll("/$", "") + "/api/projects/" + projects.get(0).id() + "/progress";
        report.parameters.put("requests", requests + " measured after " + warmupRequests + " warm-up, sequential");
        report.parameters.put("path", path);
        report.parameters.put("client", "raw HTTP/1.1 on one kept-alive socket (TCP_NODELAY)");
        report.parameters.put("auth", b.tokens.describe());
        Latency latency = new Latency("get", "request → whole answer", System.nanoTime());
        long errors = 0;
        Map<Integer, Long> statuses = new java.util.TreeMap<>();
        InetSocketAddress address = b.notifierAddress();
        long deadline = System.nanoTime() + limit.toNanos();
        Observation observation = null;
        long measuredStart = 0;
        long measuredEnd;
        int done = 0;
        try (KeepAliveHttp http = new KeepAliveHttp(address, path, b.notifierSnapshotToken())) {
            for (int i = 0; i < warmupRequests + requests && System.nanoTime() < deadline; i++) {
                if (i == warmupRequests) {
                    observation = Observation.start(b);
                    measuredStart = System.nanoTime();
                }
                long t0 = System.nanoTime();
                int status;
                try {
                    status = http.get();
                } catch (IOException e) {
                    errors++;
                    http.disconnect();
                    continue;
                }
                long t1 = System.nanoTime();
                if (i >= warmupRequests) {
                    statuses.merge(status, 1L, Long::sum);
                    latency.record(t1 - t0, t1);
                    done++;
                }
            }
            measuredEnd = System.nanoTime();
        }
        if (observation == null) {
            observation = Observation.start(b);
        }
        observation.finish(report, false);
        double seconds = Math.max(1e-9, (measuredEnd - measuredStart) / 1e9);
        report.latency("get", "request → whole answer (keep-alive)", latency);
        report.throughput.put("requests/s (one connection)", round(done / seconds));
        report.counts.put("statuses", statuses.toString());
        report.counts.put("io errors", errors);
        LatencySummary s = latency.summary();
        report.target("notifier GET progress p50", "<= 0.2 ms", Report.ms(s.p50()) + " ms",
                s.count() == 0 ? null : s.p50() <= 0.2);
        if (statuses.keySet().stream().anyMatch(code -> code != 200)) {
            report.notes.add("some answers were not 200: " + statuses);
        }
        SvgChart chart = new SvgChart("notifier GET progress: latency by percentile", "percentile").percentileTicks()
                .series("GET progress", SvgChart.spectrum(latency.copy())).line(0.2, "p50 target 0.2 ms");
        return new Result(report, chart);
    }
}
