package io.stepprogress.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * {@code ./bench.sh SCENARIO [options]}: runs a scenario against a running stack and writes
 * {@code target/bench/SCENARIO.{json,md,svg}} (plus a timestamped copy of the JSON under history/ and an
 * index, summary.md). See {@link BenchOptions#USAGE}.
 */
public final class BenchMain {

    /**
     * The floor last: its JDBC phase writes over 100,000 transactions, and PostgreSQL's work after them (vacuum, a
     * checkpoint) does not show when the next scenario starts. Run second at `547b86d`, the `steady` after it had
     * PostgreSQL at 0.6 cores for its first 30 s (0.3 after) and an e2e p99 of 73 ms, 7.7 ms alone minutes later; not
     * certainly the floor's doing, but last it can land in no other scenario (and the floor measures after them).
     */
    static final List<String> ALL = List.of("idle", "get", "steady", "ramp", "overload", "fanout", "recovery",
            "floor");

    private BenchMain() {
    }

    public static void main(String[] args) {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (BenchOptions.HelpRequested e) {
            System.out.print(BenchOptions.USAGE);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        int status = 0;
        try {
            BenchContext bench = new BenchContext(options);
            BenchContext.log("targets: progress %s, notifier %s, kafka %s; %s", options.progressUrl, options.notifierUrl,
                    options.kafka, bench.tokens.describe());
            StringBuilder found = new StringBuilder();
            for (ProcessSampler.Group g : bench.processGroups()) {
                found.append(found.length() == 0 ? "" : ", ").append(g.name()).append(" ").append(g.rootPid());
            }
            BenchContext.log("processes measured (found by listening port): %s", found);
            List<String> scenarios = options.scenario.equals("all") ? ALL : List.of(options.scenario);
            for (String scenario : scenarios) {
                long started = System.nanoTime();
                String startedAt = java.time.Instant.now().toString();
                BenchContext.log("=== %s", scenario);
                bench.scenario(scenario);
                if (scenarios.size() > 1) {
                    // The first too: it follows whatever load warmed the stack.
                    bench.awaitStackSettled(Duration.ofSeconds(60));
                }
                bench.awaitQuiet(options.waitQuiet);
                Scenarios.Result result = run(scenario, bench);
                result.report().command = options.command();
                result.report().startedAt = startedAt;
                result.report().seconds = Math.round((System.nanoTime() - started) / 1e8) / 10.0;
                Path md = write(options.out, result);
                BenchContext.log("%s done: %s", scenario, md);
                System.out.println();
                System.out.print(result.report().toMarkdown(null));
            }
        } catch (RuntimeException | IOException | java.sql.SQLException e) {
            System.err.println("bench failed: " + e);
            status = 1;
        }
        System.exit(status);
    }

    private static Scenarios.Result run(String scenario, BenchContext bench) throws IOException, java.sql.SQLException {
        return switch (scenario) {
            case "steady" -> Scenarios.steady(bench);
            case "ramp" -> Scenarios.ramp(bench);
            case "fanout" -> Scenarios.fanout(bench);
            case "recovery" -> Scenarios.recovery(bench);
            case "floor" -> Scenarios.floor(bench);
            case "get" -> Scenarios.get(bench);
            case "idle" -> Scenarios.idle(bench);
            case "overload" -> Scenarios.overload(bench);
            default -> throw new IllegalArgumentException("unknown scenario " + scenario);
        };
    }

    /** Writes the JSON, Markdown and SVG of a result, a history copy of the JSON, and the index. */
    static Path write(Path out, Scenarios.Result result) throws IOException {
        Report report = result.report();
        Files.createDirectories(out.resolve("history"));
        String name = report.scenario;
        Files.writeString(out.resolve(name + ".json"), report.toJson());
        String chart = null;
        if (result.chart() != null && !result.chart().isEmpty()) {
            chart = name + ".svg";
            Files.writeString(out.resolve(chart), result.chart().render());
        }
        Path md = out.resolve(name + ".md");
        Files.writeString(md, report.toMarkdown(chart));
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Files.writeString(out.resolve("history").resolve(name + "-" + stamp + ".json"), report.toJson());
        writeIndex(out);
        return md;
    }

    /** summary.md: the latest Markdown of every scenario that has one, in the order of "all". */
    static void writeIndex(Path out) throws IOException {
        StringBuilder index = new StringBuilder("# step-progress benchmark results\n\n"
                + "The latest run of each scenario; JSON and SVG next to this file, earlier JSON under history/.\n\n");
        for (String scenario : ALL) {
            Path md = out.resolve(scenario + ".md");
            if (Files.exists(md)) {
                index.append(Files.readString(md)).append('\n');
            }
        }
        Files.writeString(out.resolve("summary.md"), index.toString());
    }
}
