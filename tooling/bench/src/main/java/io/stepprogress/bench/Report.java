package io.stepprogress.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.stepprogress.event.EventJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One scenario's results, in the order they are shown: what ran, on how loaded a machine, the latencies,
 * throughput, counts, each process's CPU and RSS, the targets it is reported against (never asserted), a
 * table of steps when the scenario has them, and notes on what limited it. Rendered as JSON and Markdown;
 * the chart is {@link SvgChart}'s.
 */
public final class Report {

    /** A named latency: what it measures, and its percentiles. */
    public record Metric(String name, String description, LatencySummary summary) {
    }

    /** A target to report against: met is null when it could not be measured. */
    public record Target(String name, String goal, String measured, Boolean met) {
    }

    /** Machine load when the scenario started and ended, and how busy the rest of the machine was. */
    public record Machine(int cores, double[] loadBefore, double[] loadAfter, double busyCores, double otherCores,
                          String note) {
    }

    public String scenario;
    public String title;
    public String command;
    public String startedAt;
    public double seconds;
    public Machine machine;
    public final Map<String, Object> parameters = new LinkedHashMap<>();
    public final List<Metric> latencies = new ArrayList<>();
    public final Map<String, Double> throughput = new LinkedHashMap<>();
    public final Map<String, Object> counts = new LinkedHashMap<>();
    public final List<ProcessSampler.Usage> processes = new ArrayList<>();
    /** How long {@link #processes} were sampled; 0 when not known. */
    public double sampledSeconds;
    /** Updates answered while the processes were sampled: for CPU milliseconds per update; 0 leaves it out. */
    public long updatesDuringSampling;
    public final List<Target> targets = new ArrayList<>();
    public final List<Map<String, Object>> steps = new ArrayList<>();
    public final List<String> notes = new ArrayList<>();
    /** Chart data by name; in the JSON for anyone who wants to redraw it. */
    public final Map<String, Object> series = new LinkedHashMap<>();

    public Report(String scenario, String title) {
        this.scenario = scenario;
        this.title = title;
    }

    public Report latency(String name, String description, Latency latency) {
        latencies.add(new Metric(name, description, latency.summary()));
        return this;
    }

    public Report latency(String name, String description, LatencySummary summary) {
        latencies.add(new Metric(name, description, summary));
        return this;
    }

    public LatencySummary latency(String name) {
        return latencies.stream().filter(m -> m.name().equals(name)).map(Metric::summary).findFirst()
                .orElse(LatencySummary.EMPTY);
    }

    /** Whether a process group is part of the stack (PostgreSQL, Kafka, the services), not this tool or "other". */
    static boolean inStack(String process) {
        return !process.startsWith("bench") && !process.equals("other");
    }

    /** CPU of the stack's processes together, in cores (CPU-seconds per second). */
    public double stackCpuCores() {
        return Math.round(stackCores(processes, sampledSeconds) * 100) / 100.0;
    }

    /**
     * The stack's cores, unrounded: its processes' CPU-seconds over the sampled time (when known, {@code seconds > 0}),
     * not the sum of each process's rounded cores (at rest, six rounded 0.01s read 0.08 where the stack used 0.061).
     */
    static double stackCores(List<ProcessSampler.Usage> processes, double seconds) {
        double cores = seconds > 0
                ? processes.stream().filter(u -> inStack(u.name())).mapToDouble(ProcessSampler.Usage::cpuSeconds)
                        .sum() / seconds
                : processes.stream().filter(u -> inStack(u.name())).mapToDouble(ProcessSampler.Usage::cpuCores).sum();
        return cores;
    }

    /**
     * CPU milliseconds per update answered while the processes were sampled: every process, then
     * "stack total" (PostgreSQL + Kafka + the four services); empty when no update was counted.
     */
    public Map<String, Double> cpuMsPerUpdate() {
        Map<String, Double> perUpdate = new LinkedHashMap<>();
        if (updatesDuringSampling <= 0) {
            return perUpdate;
        }
        double stack = 0;
        for (ProcessSampler.Usage u : processes) {
            double ms = u.cpuSeconds() * 1000.0 / updatesDuringSampling;
            perUpdate.put(u.name(), Math.round(ms * 1000) / 1000.0);
            if (inStack(u.name())) {
                stack += ms;
            }
        }
        perUpdate.put("stack total", Math.round(stack * 1000) / 1000.0);
        return perUpdate;
    }

    public Report target(String name, String goal, String measured, Boolean met) {
        targets.add(new Target(name, goal, measured, met));
        return this;
    }

    // --- JSON --------------------------------------------------------------------------------------------

    private static final ObjectMapper JSON = EventJson.configure(new ObjectMapper())
            .enable(SerializationFeature.INDENT_OUTPUT);

    public String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("scenario", scenario);
        root.put("title", title);
        root.put("command", command);
        root.put("startedAt", startedAt);
        root.put("seconds", seconds);
        root.put("machine", machine);
        root.put("parameters", parameters);
        Map<String, Object> lat = new LinkedHashMap<>();
        for (Metric m : latencies) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("description", m.description());
            entry.put("unit", "ms");
            entry.put("count", m.summary().count());
            entry.put("p50", m.summary().p50());
            entry.put("p90", m.summary().p90());
            entry.put("p99", m.summary().p99());
            entry.put("p99_9", m.summary().p999());
            entry.put("max", m.summary().max());
            entry.put("mean", m.summary().mean());
            lat.put(m.name(), entry);
        }
        root.put("latencies", lat);
        root.put("throughput", throughput);
        root.put("counts", counts);
        root.put("processes", processes);
        if (!processes.isEmpty()) {
            root.put("stackCpuCores", stackCpuCores());
        }
        if (updatesDuringSampling > 0) {
            root.put("updatesDuringSampling", updatesDuringSampling);
            root.put("cpuMsPerUpdate", cpuMsPerUpdate());
        }
        root.put("targets", targets);
        if (!steps.isEmpty()) {
            root.put("steps", steps);
        }
        root.put("notes", notes);
        root.put("series", series);
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    // --- Markdown ----------------------------------------------------------------------------------------

    public String toMarkdown(String chartFile) {
        StringBuilder md = new StringBuilder();
        md.append("## ").append(scenario).append(": ").append(title).append("\n\n");
        md.append("`").append(command).append("` — started ").append(startedAt)
                .append(String.format(Locale.ROOT, ", %.0f s", seconds)).append("\n\n");
        if (machine != null) {
            md.append(String.format(Locale.ROOT, "Machine: %d cores; load average %s before, %s after; "
                            + "busy %.2f cores on average, of which %.2f outside the stack and this tool%s.%n%n",
                    machine.cores(), load(machine.loadBefore()), load(machine.loadAfter()), machine.busyCores(),
                    machine.otherCores(), machine.note() == null ? "" : " — " + machine.note()));
        }
        if (!parameters.isEmpty()) {
            md.append("Parameters: ");
            List<String> p = new ArrayList<>();
            parameters.forEach((k, v) -> p.add(k + " " + v));
            md.append(String.join(", ", p)).append("\n\n");
        }
        if (!latencies.isEmpty()) {
            md.append("| latency (ms) | count | p50 | p90 | p99 | p99.9 | max |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|\n");
            for (Metric m : latencies) {
                LatencySummary s = m.summary();
                md.append("| ").append(m.name()).append(" — ").append(m.description()).append(" | ")
                        .append(s.count()).append(" | ").append(ms(s.p50())).append(" | ").append(ms(s.p90()))
                        .append(" | ").append(ms(s.p99())).append(" | ").append(ms(s.p999())).append(" | ")
                        .append(ms(s.max())).append(" |\n");
            }
            md.append('\n');
        }
        if (!steps.isEmpty()) {
            List<String> columns = new ArrayList<>(steps.get(0).keySet());
            md.append("| ").append(String.join(" | ", columns)).append(" |\n|");
            columns.forEach(c -> md.append("---|"));
            md.append('\n');
            for (Map<String, Object> row : steps) {
                md.append("| ");
                for (String c : columns) {
                    md.append(cell(row.get(c))).append(" | ");
                }
                md.setLength(md.length() - 1);
                md.append('\n');
            }
            md.append('\n');
        }
        if (!throughput.isEmpty() || !counts.isEmpty()) {
            md.append("| throughput and counts | value |\n|---|---:|\n");
            throughput.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(cell(v)).append(" |\n"));
            counts.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(cell(v)).append(" |\n"));
            md.append('\n');
        }
        if (!processes.isEmpty()) {
            boolean perUpdate = updatesDuringSampling > 0;
            md.append("| process | CPU avg (cores) | CPU peak 1 s (cores) | CPU s |")
                    .append(perUpdate ? " CPU ms / update |" : "").append(" RSS max (MiB) | RSS end (MiB) |\n");
            md.append("|---|---:|---:|---:|").append(perUpdate ? "---:|" : "").append("---:|---:|\n");
            for (ProcessSampler.Usage u : processes) {
                md.append("| ").append(u.name()).append(u.processes() > 1 ? " (" + u.processes() + " processes)" : "")
                        .append(" | ").append(cell(u.cpuCores())).append(" | ").append(cell(u.peakCpuCores()))
                        .append(" | ").append(cell(u.cpuSeconds())).append(" | ");
                if (perUpdate) {
                    md.append(cell(u.cpuSeconds() * 1000.0 / updatesDuringSampling)).append(" | ");
                }
                md.append(u.name().equals("other") ? "" : cell(u.rssMaxMiB())).append(" | ")
                        .append(u.name().equals("other") ? "" : cell(u.rssEndMiB())).append(" |\n");
            }
            double stackSeconds = processes.stream().filter(u -> inStack(u.name()))
                    .mapToDouble(ProcessSampler.Usage::cpuSeconds).sum();
            md.append("| **stack total** (PostgreSQL, Kafka, services) | ").append(cell(stackCpuCores()))
                    .append(" | | ").append(cell(Math.round(stackSeconds * 100) / 100.0)).append(" | ");
            if (perUpdate) {
                md.append("**").append(cell(cpuMsPerUpdate().get("stack total"))).append("** | ");
            }
            md.append(" | |\n");
            md.append('\n');
        }
        if (!targets.isEmpty()) {
            md.append("| target (reported, not asserted) | goal | measured | met |\n|---|---|---|---|\n");
            for (Target t : targets) {
                md.append("| ").append(t.name()).append(" | ").append(t.goal()).append(" | ").append(t.measured())
                        .append(" | ").append(t.met() == null ? "n/a" : t.met() ? "yes" : "**no**").append(" |\n");
            }
            md.append('\n');
        }
        if (!notes.isEmpty()) {
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
            md.append('\n');
        }
        if (chartFile != null) {
            md.append("![").append(scenario).append(" latency](").append(chartFile).append(")\n\n");
        }
        return md.toString();
    }

    static String ms(double value) {
        if (value >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (value >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double d) {
            if (d.isNaN()) {
                return "n/a";
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString(d.longValue());
            }
            return String.format(Locale.ROOT, Math.abs(d) >= 100 ? "%.0f" : Math.abs(d) >= 10 ? "%.1f" : "%.2f", d);
        }
        if (value instanceof Boolean b) {
            return b ? "yes" : "no";
        }
        return String.valueOf(value).replace("|", "\\|");
    }

    private static String load(double[] load) {
        return load == null ? "?" : String.format(Locale.ROOT, "%.2f %.2f %.2f", load[0], load[1], load[2]);
    }
}
