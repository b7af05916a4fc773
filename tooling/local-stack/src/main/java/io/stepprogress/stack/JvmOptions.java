package io.stepprogress.stack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The collector and heap of every JVM the launcher starts (the services and the Kafka broker), and a GC log per
 * JVM in the stack's logs directory, so pause times can be read after a run ({@code logs/<name>-gc.log}), with the
 * wall-clock time beside the uptime, to line them up with a benchmark's per-second series.
 * <p>
 * The default was chosen by measurement (docs/benchmarks.md, "JVM flags"): {@code steady} at 300/s on this two-core
 * machine under candidates, pauses from the GC logs. ParallelGC with a fixed heap had the least pause time in the
 * window (2.3 s against SerialGC's 2.9 s and G1's 8.8 s, G1 pausing six times as often), and a shorter longest
 * pause than SerialGC (650 ms against 1,134 ms; the machine was far from quiet, so these are relative). A
 * MetaspaceSize of 128m is there against the Full GCs "Metadata GC Threshold" that SerialGC and ParallelGC ran
 * two or three times per JVM while starting (26 of them in those two runs).
 * <p>
 * {@value #ENVIRONMENT} replaces the collector and heap flags of every JVM, to measure other candidates without a
 * rebuild; {@code {heap}} in it stands for each JVM's own heap size.
 */
final class JvmOptions {

    static final String ENVIRONMENT = "LOCAL_STACK_JVM_OPTIONS";
    /** The broker's heap; the services' are in {@link Service}. */
    static final String BROKER_HEAP = "384m";
    static final String DEFAULT = "-XX:+UseParallelGC -XX:MetaspaceSize=128m -Xms{heap} -Xmx{heap}";
    /**
     * The JVM samples the counters jstat reads once a second instead of every 50 ms: at rest that sampler (the
     * "VM Periodic Task" thread, 20 wake-ups a second) was the busiest thread of each service. The counters stay
     * (jcmd and jstat still work); only the broker, which nobody inspects that way, runs without them.
     */
    static final String PERF_DATA_SAMPLING = "-XX:PerfDataSamplingInterval=1000";
    /**
     * The JVM's "Monitor Deflation" thread wakes every AsyncDeflationInterval (250 ms by default) to ask whether idle
     * monitors need deflating; at rest it never had any to deflate (-Xlog:monitorinflation=debug stayed empty), and
     * those four wake-ups a second cost each service 0.04-0.09 CPU-seconds a minute. The interval only bounds how soon
     * deflation starts once monitors pile up, so a second is soon enough. The flag is diagnostic, hence the unlock;
     * every JVM of the stack, every Dockerfile.jvm and compose's broker carry the pair (JvmOptionsTest).
     */
    static final List<String> MONITOR_DEFLATION = List.of("-XX:+UnlockDiagnosticVMOptions",
            "-XX:AsyncDeflationInterval=1000");

    private JvmOptions() {
    }

    static List<String> service(Service service, Path logs) {
        List<String> options = collector(service.heap(), System.getenv(ENVIRONMENT));
        options.add("-XX:+ExitOnOutOfMemoryError");
        options.add(PERF_DATA_SAMPLING);
        options.addAll(MONITOR_DEFLATION);
        options.add(gcLog(logs, service.module()));
        return options;
    }

    static List<String> broker(Path logs) {
        List<String> options = collector(BROKER_HEAP, System.getenv(ENVIRONMENT));
        options.add("-XX:-UsePerfData");
        options.addAll(MONITOR_DEFLATION);
        options.addAll(List.of("-Djava.awt.headless=true", gcLog(logs, "kafka")));
        return options;
    }

    /** The collector and heap flags: the override when set, else {@link #DEFAULT}, with {@code {heap}} filled in. */
    static List<String> collector(String heap, String override) {
        String template = override == null || override.isBlank() ? DEFAULT : override;
        List<String> options = new ArrayList<>();
        for (String option : Arrays.asList(template.strip().split("\\s+"))) {
            options.add(option.replace("{heap}", heap));
        }
        return options;
    }

    private static String gcLog(Path logs, String name) {
        return "-Xlog:gc:file=" + logs.toAbsolutePath().resolve(name + "-gc.log") + ":time,uptime,level,tags:filecount=2,filesize=10m";
    }
}
