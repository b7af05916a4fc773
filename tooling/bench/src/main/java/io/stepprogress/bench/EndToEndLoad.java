package io.stepprogress.bench;

import io.stepprogress.event.InitializationView;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A set of projects with SSE streams on them and a Kafka tail, driven by open-loop writes: the body of the
 * steady, ramp, fanout, recovery and overload scenarios. Every wait is bounded.
 */
final class EndToEndLoad implements AutoCloseable {

    private final BenchContext bench;
    private final BenchProjects projects;
    private final Report report;
    private SseSubscribers subscribers;
    private KafkaTail tail;
    private final Latency setupConnect;
    private final Latency setupFirstFrame;
    private WriteLoad.UpdatePlan plan = BenchProjects::update;
    /** Runs after the scheduled writes, before the drain (the overload ends every run there). */
    private Runnable afterWrites = () -> { };

    private EndToEndLoad(BenchContext bench, BenchProjects projects, Report report) {
        this.bench = bench;
        this.projects = projects;
        this.report = report;
        this.setupConnect = new Latency("connect", "");
        this.setupFirstFrame = new Latency("first frame", "");
    }

    /** Sets the projects up, opens {@code subscriberCount} streams on them and starts the Kafka tail. */
    static EndToEndLoad prepare(BenchContext bench, Report report, int projectCount, int subscriberCount) {
        return prepare(bench, report, projectCount, subscriberCount, false);
    }

    /**
     * @param track keep what every stream received, for {@link OverloadVerdict}; the projects then run
     *              the service's default plan, as every scenario (the overload sizes its projects and updates so
     *              that steps start and complete during the whole load)
     */
    static EndToEndLoad prepare(BenchContext bench, Report report, int projectCount, int subscriberCount,
                                boolean track) {
        EndToEndLoad load = new EndToEndLoad(bench, new BenchProjects(bench.options.projectPrefix, projectCount), report);
        try {
            bench.setUp(load.projects, null);
            bench.awaitNotifier(load.projects, Duration.ofSeconds(60));
            if (subscriberCount > 0) {
                load.subscribers = bench.subscribe(load.projects, subscriberCount, idleSink(), load.setupConnect,
                        load.setupFirstFrame, Duration.ofSeconds(60 + subscriberCount / 100), track);
            }
            load.startTail();
            return load;
        } catch (RuntimeException e) {
            load.close();
            throw e;
        }
    }

    private static SseSubscribers.Sink idleSink() {
        return new SseSubscribers.Sink(new Latency("e2e", ""), new Latency("e2e-send", ""), Long.MAX_VALUE);
    }

    private void startTail() {
        if (!bench.options.kafkaTail) {
            return;
        }
        try {
            tail = KafkaTail.start(bench.options.kafka, projects, new Latency("relay", ""));
        } catch (RuntimeException e) {
            String note = "no Kafka tail (" + e.getMessage() + "): relay lag from the metric only";
            BenchContext.log("%s", note);
            if (report != null) {
                report.notes.add(note);
            }
        }
    }

    /** What one run measured. */
    static final class Run {
        final WriteLoad.Stats stats;
        final Latency e2e;
        final Latency e2eFromSend;
        final Latency relay;
        Latency connect;
        Latency firstFrame;
        SseSubscribers.Sink sink;
        List<ProcessSampler.Usage> processes = List.of();
        double sampledSeconds;
        List<Report.Metric> metricHistograms = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Report.Machine machine;
        double busyCores;
        double rate;
        double measuredSeconds;
        double drainSeconds;
        int behindAfterDrain;
        long unmatched;
        long gaps;
        /** notifier_sse_events_merged_total over the run: gaps a stream sees on purpose (conflation), or -1. */
        long merged = -1;
        double framesPerSecond;
        int streams;
        int streamsOpen;
        int streamsFailed;
        int closedByServer;
        double connectSeconds;
        long kafkaRecords;
        // recovery (the outage) and overload (the overload phase): latencies of updates due within a band of time
        String bandName;
        DueWindowLatency writeBand;
        DueWindowLatency e2eBand;
        DueWindowLatency deliveryBand;
        /** Overload: delivery lag of every measured update (for the chart over time). */
        DueWindowLatency delivery;
        /** Overload: the notifier's own delivery-lag histogram over the band (two scrapes). */
        LatencySummary notifierLagInBand;
        double drainAfterResumeSeconds = Double.NaN;
        double kafkaDrainAfterResumeSeconds = Double.NaN;
        long outageWrites;
        List<double[]> cpuSeries = List.of();
        List<String> cpuColumns = List.of();

        Run(long seriesStart) {
            stats = new WriteLoad.Stats(new Latency("write", "", seriesStart), new Latency("service", "", seriesStart),
                    new Latency("answer", "", seriesStart));
            e2e = new Latency("e2e", "", seriesStart);
            e2eFromSend = new Latency("e2e-send", "", seriesStart);
            relay = new Latency("relay", "", seriesStart);
        }

        /** The standard content of a report from this run. */
        void fill(Report r) {
            r.latency("write", "due → 200 (open loop: includes waiting for a free worker)", stats.write);
            r.latency("write service", "sent → 200", stats.service);
            if (stats.shed() > 0) {
                r.latency("write answered", "due → 200, or → 503 for a progress update shed (open loop)", stats.answer);
            }
            r.latency("e2e", "due → SSE frame at the subscriber", e2e);
            r.latency("e2e from send", "sent → SSE frame", e2eFromSend);
            if (relay.count() > 0) {
                r.latency("relay (kafka)", "occurredAt → Kafka record timestamp (ms resolution)", relay);
            }
            r.latencies.addAll(metricHistograms);
            if (writeBand != null) {
                r.latency("write " + bandName, "due → 200, for updates due " + bandName, writeBand.latency());
                r.latency("e2e " + bandName, "due → SSE frame, for updates due " + bandName, e2eBand.latency());
            }
            if (deliveryBand != null) {
                r.latency("sse delivery " + bandName, "the writer's 200 → SSE frame at the subscriber, for updates due "
                        + bandName, deliveryBand.latency());
            }
            if (connect != null && connect.count() > 0) {
                r.latency("connect", "connect → response headers", connect);
                r.latency("first frame", "connect → snapshot", firstFrame);
            }
            r.throughput.put("offered (updates/s)", rate);
            r.throughput.put("achieved (updates/s)", Math.round(stats.achievedPerSecond() * 10) / 10.0);
            r.throughput.put("SSE frames/s received", Math.round(framesPerSecond * 10) / 10.0);
            r.counts.put("updates sent", stats.sent.sum());
            r.counts.put("updates answered 200", stats.ok.sum());
            r.counts.put("errors", stats.errorCount() == 0 ? "0" : stats.errors().toString());
            r.counts.put("progress updates shed (503, not retried)", stats.shed());
            r.counts.put("sequence mismatches", stats.sequenceMismatches());
            r.counts.put("aborted behind schedule", stats.abortedBehindSchedule());
            r.counts.put("streams (open / failed / closed by server)", streamsOpen + " / " + streamsFailed + " / "
                    + closedByServer);
            r.counts.put("frames unmatched", unmatched);
            r.counts.put("sequence gaps seen by streams", gaps);
            r.counts.put("of which progress events merged by the notifier (conflation)", merged < 0 ? "unknown" : merged);
            r.counts.put("drain after the last write (s)", Math.round(drainSeconds * 100) / 100.0);
            r.counts.put("streams missing frames after the drain", behindAfterDrain);
            r.counts.put("kafka records tailed", kafkaRecords);
            if (writeBand != null && bandName.contains("frozen")) {
                r.counts.put("updates written during the outage", outageWrites);
                r.counts.put("drain after SIGCONT: every outage update at its subscribers (s)",
                        Double.isNaN(drainAfterResumeSeconds) ? "not within the limit" : round2(drainAfterResumeSeconds));
                r.counts.put("drain after SIGCONT: every outage update in Kafka (s)",
                        Double.isNaN(kafkaDrainAfterResumeSeconds) ? "not seen (no tail?)" : round2(kafkaDrainAfterResumeSeconds));
            }
            r.processes.addAll(processes);
            r.updatesDuringSampling = stats.answeredInWindow.sum();
            r.machine = machine;
            r.notes.addAll(notes);
            r.series.put("per second of due time: [t, count, p50 ms, p99 ms, max ms] of write", stats.write.series());
            r.series.put("per second of due time: [t, count, p50 ms, p99 ms, max ms] of e2e", e2e.series());
            r.series.put("cpu cores per second: columns", cpuColumns);
            r.series.put("cpu cores per second", cpuSeries);
        }

        void fillMetricHistograms(Report r, String suffix) {
            for (Report.Metric m : metricHistograms) {
                r.latency(m.name() + suffix, m.description(), m.summary());
            }
        }

        private static double round2(double v) {
            return Math.round(v * 100) / 100.0;
        }
    }

    /** Open-loop writes at {@code rate}: {@code warmup} not measured, then {@code measured}, then a bounded drain. */
    Run run(double rate, Duration measured, Duration warmup, int workers, boolean log) {
        return runScheduled(rate, measured, warmup, workers, "",
                start -> RateSchedule.of(start, rate, warmup.plus(measured)));
    }

    /**
     * {@link #run}, but the warm-up rises to the rate in four equal steps (a quarter, half, three quarters, all of
     * it) instead of starting at full rate. Started from idle at full rate, a stack with little headroom (500/s on
     * two cores) built a backlog of seconds in the first seconds of warm-up (cold code paths in it and in this tool)
     * and the measured window then spent a minute draining it: it measured the start, not the steady state.
     * The measured window is open loop at the rate from its first request, as before.
     */
    Run runAfterRampUp(double rate, Duration measured, Duration warmup, int workers) {
        List<RateSchedule.Phase> phases = new ArrayList<>();
        Duration step = warmup.dividedBy(4);
        for (int k = 1; k <= 4 && !step.isZero(); k++) {
            phases.add(new RateSchedule.Phase(rate * k / 4, step));
        }
        Duration rampEnd = step.multipliedBy(phases.size());
        if (warmup.compareTo(rampEnd) > 0) {
            phases.add(new RateSchedule.Phase(rate, warmup.minus(rampEnd)));
        }
        phases.add(new RateSchedule.Phase(rate, measured));
        return runScheduled(rate, measured, warmup, workers, " rising to the rate in four steps",
                start -> RateSchedule.phases(start, phases));
    }

    /** Open-loop writes on the schedule {@code scheduleFrom} builds from its start; measured after {@code warmup}. */
    private Run runScheduled(double rate, Duration measured, Duration warmup, int workers, String warmupShape,
                             java.util.function.LongFunction<RateSchedule> scheduleFrom) {
        FlightRecordings recordings = bench.startFlightRecordings();
        long start = System.nanoTime() + 200_000_000L;
        Run run = new Run(start);
        run.rate = rate;
        BenchContext.log("load: %.0f updates/s for %d s (%d s warm-up%s), %d workers, %d projects, %d streams", rate,
                warmup.plus(measured).toSeconds(), warmup.toSeconds(), warmupShape, workers, projects.size(),
                subscribers == null ? 0 : subscribers.size());
        drive(run, scheduleFrom.apply(start), start + warmup.toNanos(), workers, recordings);
        return run;
    }

    /** Fanout: opens {@code streams} streams (measuring the connects), runs the load, closes them. */
    Run runWithStreams(int streams, double rate, Duration measured, Duration warmup, int workers) {
        Latency connect = new Latency("connect", "");
        Latency firstFrame = new Latency("first frame", "");
        long opening = System.nanoTime();
        subscribers = bench.subscribe(projects, streams, idleSink(), connect, firstFrame,
                Duration.ofSeconds(60 + streams / 50));
        double connectSeconds = (System.nanoTime() - opening) / 1e9;
        Run run = run(rate, measured, warmup, workers, true);
        run.connect = connect;
        run.firstFrame = firstFrame;
        run.connectSeconds = connectSeconds;
        run.streams = streams;
        return run;
    }

    /**
     * Recovery: writes at {@code rate}; after {@code before} the broker JVM is frozen (SIGSTOP) for
     * {@code outage}, then resumed (SIGCONT, always, also on failure or exit); writing goes on for up to
     * {@code after}; the drain is the time from SIGCONT until every update written before it reached its stream.
     */
    Run runWithOutage(double rate, Duration before, Duration outage, Duration after, int workers, int brokerPid) {
        FlightRecordings recordings = bench.startFlightRecordings();
        long start = System.nanoTime() + 200_000_000L;
        Run run = new Run(start);
        run.rate = rate;
        long stopAt = start + before.toNanos();
        long contAt = stopAt + outage.toNanos();
        run.bandName = "while Kafka was frozen";
        run.writeBand = new DueWindowLatency(stopAt, contAt, new Latency("write outage", ""));
        run.e2eBand = new DueWindowLatency(stopAt, contAt, new Latency("e2e outage", ""));
        RateSchedule schedule = RateSchedule.of(start, rate, before.plus(outage).plus(after));
        Thread safety = new Thread(() -> signal("CONT", brokerPid), "bench-kafka-resume");
        Runtime.getRuntime().addShutdownHook(safety);
        BenchContext.log("recovery: %.0f updates/s; Kafka (pid %d) frozen from %d s to %d s", rate, brokerPid,
                before.toSeconds(), before.plus(outage).toSeconds());
        Thread controller = new Thread(() -> {
            try {
                WriteLoad.sleepUntil(stopAt);
                signal("STOP", brokerPid);
                BenchContext.log("Kafka frozen (SIGSTOP %d)", brokerPid);
                WriteLoad.sleepUntil(contAt);
            } finally {
                signal("CONT", brokerPid);
            }
            long resumed = System.nanoTime();
            BenchContext.log("Kafka resumed (SIGCONT %d)", brokerPid);
            long[] targets = new long[projects.size()];
            long written = 0;
            for (int p = 0; p < targets.length; p++) {
                targets[p] = projects.get(p).lastWritten();
            }
            written = run.writeBand.latency().count();
            run.outageWrites = written;
            long limit = schedule.endNanos() + bench.options.drainTimeout.toNanos();
            boolean kafkaDone = tail == null;
            boolean streamsDone = subscribers == null;
            while (System.nanoTime() < limit && !(kafkaDone && streamsDone)) {
                long now = System.nanoTime();
                if (!kafkaDone) {
                    boolean all = true;
                    for (int p = 0; p < targets.length && all; p++) {
                        all = tail.lastSequence(p) >= targets[p];
                    }
                    if (all) {
                        kafkaDone = true;
                        run.kafkaDrainAfterResumeSeconds = (now - resumed) / 1e9;
                        BenchContext.log("every outage update is in Kafka, %.2f s after SIGCONT", run.kafkaDrainAfterResumeSeconds);
                    }
                }
                if (!streamsDone && subscribers.behind(targets) == 0) {
                    streamsDone = true;
                    run.drainAfterResumeSeconds = (now - resumed) / 1e9;
                    BenchContext.log("every outage update reached its streams, %.2f s after SIGCONT", run.drainAfterResumeSeconds);
                }
                BenchContext.sleep(10);
            }
        }, "bench-outage");
        controller.start();
        try {
            drive(run, schedule, start + before.toNanos() / 2, workers, recordings);
        } finally {
            try {
                controller.join(bench.options.drainTimeout.toMillis() + 10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            signal("CONT", brokerPid);
            try {
                Runtime.getRuntime().removeShutdownHook(safety);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs anyway
            }
        }
        return run;
    }

    /**
     * The overload's timeline: {@code warmup} at the rate, {@code baseline} at it (the same load before the
     * overload, measured), {@code overload} at twice it, {@code after} at it.
     */
    static List<RateSchedule.Phase> overloadPhases(double rate, Duration warmup, Duration baseline, Duration overload,
                                                   Duration after) {
        return List.of(new RateSchedule.Phase(rate, warmup), new RateSchedule.Phase(rate, baseline),
                new RateSchedule.Phase(2 * rate, overload), new RateSchedule.Phase(rate, after));
    }

    /**
     * Overload: {@code warmup} at {@code rate} (not measured), {@code baseline} at the rate, then {@code overload} at
     * twice the rate, then {@code after} at the rate again. The overload phase is the band; what every stream
     * received is tracked (see {@link #prepare(BenchContext, Report, int, int, boolean)}) and the updates change
     * statuses too.
     */
    Run runOverload(double rate, Duration warmup, Duration baseline, Duration overload, Duration after, int workers,
                    int progressPerStep) {
        plan = (n, steps) -> BenchProjects.updateWithStatusChanges(n, steps, progressPerStep);
        afterWrites = this::endRuns;
        FlightRecordings recordings = bench.startFlightRecordings();
        long start = System.nanoTime() + 200_000_000L;
        Run run = new Run(start);
        run.rate = rate;
        RateSchedule schedule = RateSchedule.phases(start, overloadPhases(rate, warmup, baseline, overload, after));
        long overloadFrom = schedule.phaseStartNanos(2);
        long overloadTo = schedule.phaseStartNanos(3);
        run.bandName = "during the overload";
        run.writeBand = new DueWindowLatency(overloadFrom, overloadTo, new Latency("write", "", start));
        run.e2eBand = new DueWindowLatency(overloadFrom, overloadTo, new Latency("e2e", "", start));
        run.deliveryBand = new DueWindowLatency(overloadFrom, overloadTo, new Latency("delivery", "", start));
        run.delivery = new DueWindowLatency(overloadFrom, Long.MAX_VALUE, new Latency("delivery", "", start));
        BenchContext.log("overload: %.0f updates/s for %d s (warm-up) and %d s (baseline), %.0f/s for %d s, %.0f/s for "
                        + "%d s; %d workers, %d projects, %d streams", rate, warmup.toSeconds(), baseline.toSeconds(),
                2 * rate, overload.toSeconds(), rate, after.toSeconds(), workers, projects.size(),
                subscribers == null ? 0 : subscribers.size());
        Thread scrapes = new Thread(() -> {
            WriteLoad.sleepUntil(overloadFrom);
            io.stepprogress.testkit.PrometheusMetrics before = bench.notifierMetrics.scrape();
            WriteLoad.sleepUntil(overloadTo);
            io.stepprogress.testkit.PrometheusMetrics end = bench.notifierMetrics.scrape();
            if (before != null && end != null) {
                String metric = "notifier_sse_delivery_lag_seconds";
                run.notifierLagInBand = SideMeasurements.bucketSummary(BucketQuantiles.delta(
                        BucketQuantiles.buckets(end, metric), BucketQuantiles.buckets(before, metric)));
            }
        }, "bench-overload-scrapes");
        scrapes.setDaemon(true);
        scrapes.start();
        drive(run, schedule, schedule.phaseStartNanos(1), workers, recordings); // measured from the baseline on
        try {
            scrapes.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return run;
    }

    /**
     * Fails every project's current step, so its run ends (failed): the last two status changes in one event,
     * after which the notifier ends the project's streams. One request per project; not measured (due before
     * the measured window).
     */
    private void endRuns() {
        for (BenchProjects.Project p : projects.all()) {
            InitializationView last = p.lastView;
            if (last == null || last.currentStep() == null || last.status().finished()) {
                continue;
            }
            try {
                long now = System.nanoTime();
                projects.expect(p.index(), p.lastSequence + 1, 0, now);
                InitializationView view = bench.client.fail(p.id(), last.currentStep(), "bench: the run ends");
                projects.answered(p.index(), view.sequence(), System.nanoTime());
                p.answered(view);
                p.lastSequence = view.sequence();
                p.lastWritten.accumulateAndGet(view.sequence(), Math::max);
            } catch (RuntimeException e) {
                BenchContext.log("could not end the run of %s: %s", p.id(), e);
            }
        }
    }

    /** What every tracked stream received against what the writer knows of each project. */
    OverloadVerdict.Verdict verdict() {
        List<OverloadVerdict.ProjectTruth> truths = new ArrayList<>();
        for (BenchProjects.Project p : projects.all()) {
            truths.add(new OverloadVerdict.ProjectTruth(p.index(), p.lastWritten(),
                    p.lastView == null ? "" : OverloadVerdict.viewKey(p.lastView), p.statusChanges()));
        }
        List<OverloadVerdict.StreamRecord> records = subscribers == null ? List.of()
                : subscribers.records(io.stepprogress.event.EventJson.configure(new com.fasterxml.jackson.databind.ObjectMapper()));
        return OverloadVerdict.judge(truths, records);
    }

    private static void signal(String signal, int pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Integer.toString(pid)).redirectErrorStream(true).start();
            kill.getInputStream().readAllBytes();
            kill.waitFor();
        } catch (IOException e) {
            BenchContext.log("cannot send SIG%s to %d: %s", signal, pid, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs the writes with the streams and tail measuring into {@code run}, then drains and observes. */
    /** The notifier's count of conflated events (NaN when its metrics cannot be read). */
    private double mergedSoFar() {
        io.stepprogress.testkit.PrometheusMetrics metrics = bench.notifierMetrics.scrape();
        return metrics == null ? Double.NaN : metrics.value("notifier_sse_events_merged_total");
    }

    private void drive(Run run, RateSchedule schedule, long measureFrom, int workers, FlightRecordings recordings) {
        BenchOptions o = bench.options;
        SseSubscribers.Sink sink = new SseSubscribers.Sink(run.e2e, run.e2eFromSend, measureFrom);
        sink.band = run.e2eBand;
        List<DueWindowLatency> deliveries = new ArrayList<>();
        if (run.deliveryBand != null) {
            deliveries.add(run.deliveryBand);
        }
        if (run.delivery != null) {
            deliveries.add(run.delivery);
        }
        sink.deliveryBands = deliveries.toArray(DueWindowLatency[]::new);
        run.stats.band = run.writeBand;
        run.sink = sink;
        if (subscribers != null) {
            subscribers.sink(sink);
        }
        long tailRecordsBefore = tail == null ? 0 : tail.records();
        double mergedBefore = mergedSoFar();
        if (tail != null) {
            long wallOffset = System.currentTimeMillis() - System.nanoTime() / 1_000_000L;
            tail.measure(run.relay, measureFrom / 1_000_000L + wallOffset);
        }
        SideMeasurements[] observation = new SideMeasurements[1];
        Thread observer = new Thread(() -> {
            WriteLoad.sleepUntil(measureFrom);
            observation[0] = SideMeasurements.start(bench, recordings);
        }, "bench-observer");
        observer.start();
        Thread status = new Thread(() -> {
            long next = schedule.startNanos() + 10_000_000_000L;
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    Thread.sleep(Math.max(1, (next - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
                next += 10_000_000_000L;
                LatencySummary e2e = run.e2e.summary();
                BenchContext.log("  %3.0f s: sent %d, ok %d, errors %d, frames %d, e2e p50 %s p99 %s ms so far",
                        (System.nanoTime() - schedule.startNanos()) / 1e9, run.stats.sent.sum(), run.stats.ok.sum(),
                        run.stats.errorCount(), sink.frames(), Report.ms(e2e.p50()), Report.ms(e2e.p99()));
            }
        }, "bench-status");
        status.setDaemon(true);
        status.start();
        try {
            new WriteLoad(bench.writer, projects, workers, plan).runOpen(schedule, measureFrom, o.maxLag.toNanos(),
                    run.stats);
            afterWrites.run();
        } finally {
            status.interrupt();
        }
        long lastWrite = System.nanoTime();
        run.measuredSeconds = Math.max(1e-3, (Math.max(schedule.endNanos(), lastWrite) - measureFrom) / 1e9);
        if (subscribers != null) {
            SseSubscribers.await(() -> subscribers.behind() == 0, o.drainTimeout.toNanos());
            run.drainSeconds = (System.nanoTime() - lastWrite) / 1e9;
            run.behindAfterDrain = subscribers.behind();
            run.streamsOpen = subscribers.open();
            run.streamsFailed = subscribers.failed();
            run.closedByServer = subscribers.closedByServer();
            run.gaps = subscribers.gaps();
            double mergedAfter = mergedSoFar();
            run.merged = Double.isNaN(mergedBefore) || Double.isNaN(mergedAfter) ? -1 : Math.round(mergedAfter - mergedBefore);
            if (run.behindAfterDrain > 0) {
                run.notes.add(run.behindAfterDrain + " streams had not received their project's last update "
                        + o.drainTimeout.toSeconds() + " s after the last write");
            }
        }
        run.unmatched = sink.unmatched();
        run.framesPerSecond = sink.frames() / Math.max(1e-3, (System.nanoTime() - measureFrom) / 1e9);
        run.kafkaRecords = tail == null ? 0 : tail.records() - tailRecordsBefore;
        if (tail != null && tail.error() != null) {
            run.notes.add("the Kafka tail failed: " + tail.error());
        }
        try {
            observer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Report side = new Report("side", "");
        if (observation[0] != null) {
            observation[0].finish(side, true);
            run.processes = side.processes;
            run.sampledSeconds = side.sampledSeconds;
            run.machine = side.machine;
            run.busyCores = side.machine.busyCores();
            run.metricHistograms = side.latencies;
            run.cpuSeries = observation[0].sampler().cpuSeries();
            List<String> columns = new ArrayList<>(List.of("t"));
            observation[0].sampler().groups().forEach(g -> columns.add(g.name()));
            columns.add("other");
            run.cpuColumns = columns;
        }
        run.notes.addAll(side.notes);
        if (run.stats.abortedBehindSchedule()) {
            run.notes.add(String.format(Locale.ROOT, "stopped early: the workers fell more than %d s behind schedule",
                    o.maxLag.toSeconds()));
        }
    }

    BenchProjects projects() {
        return projects;
    }

    @Override
    public void close() {
        if (subscribers != null) {
            subscribers.close();
            subscribers = null;
        }
        if (tail != null) {
            tail.close();
            tail = null;
        }
    }
}
