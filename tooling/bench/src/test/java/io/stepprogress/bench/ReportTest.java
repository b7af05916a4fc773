package io.stepprogress.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static Histogram micros(long... values) {
        Histogram h = new Histogram(3_600_000_000L, 3);
        for (long v : values) {
            h.recordValue(v);
        }
        return h;
    }

    @Test
    void aSummaryIsInMillisecondsFromMicroseconds() {
        Histogram h = new Histogram(3_600_000_000L, 3);
        for (int i = 1; i <= 1_000; i++) {
            h.recordValue(i * 1_000L); // 1 ms .. 1000 ms
        }

        LatencySummary s = LatencySummary.of(h);

        assertThat(s.count()).isEqualTo(1_000);
        assertThat(s.min()).isEqualTo(1.0);
        assertThat(s.p50()).isBetween(499.0, 501.0);
        assertThat(s.p90()).isBetween(899.0, 901.0);
        assertThat(s.p99()).isBetween(989.0, 991.0);
        assertThat(s.p999()).isBetween(998.0, 1_000.5);
        assertThat(s.max()).isBetween(999.0, 1_000.5);
        assertThat(LatencySummary.of(micros())).isEqualTo(LatencySummary.EMPTY);
    }

    @Test
    void latencyRecordsNanosAsMicrosAndKeepsAPerSecondSeries() {
        Latency latency = new Latency("e2e", "test", 0);
        latency.record(2_500_000, 100);            // 2.5 ms in second 0
        latency.record(4_000_000, 1_500_000_000L); // 4 ms in second 1
        latency.record(10, 1_600_000_000L);        // below 1 us counts as 1 us

        assertThat(latency.count()).isEqualTo(3);
        assertThat(latency.summary().max()).isCloseTo(4.0, org.assertj.core.data.Offset.offset(0.01));
        List<double[]> series = latency.series();
        assertThat(series).hasSize(2);
        assertThat(series.get(0)[0]).isEqualTo(0);
        assertThat(series.get(0)[1]).isEqualTo(1);
        assertThat(series.get(0)[3]).isCloseTo(2.5, org.assertj.core.data.Offset.offset(0.03));
        assertThat(series.get(1)[1]).isEqualTo(2);
    }

    private static Report sample() {
        Report r = new Report("steady", "500 updates/s for 120 s, open loop");
        r.command = "./bench.sh steady";
        r.startedAt = "2026-11-28T10:00:00Z";
        r.seconds = 131;
        r.machine = new Report.Machine(2, new double[] {0.1, 0.2, 0.3}, new double[] {1.5, 0.9, 0.5}, 1.4, 0.05, "quiet");
        r.parameters.put("rate (updates/s)", 500.0);
        r.latency("e2e", "due → SSE frame", LatencySummary.of(micros(4_000, 5_000, 6_000, 48_000)));
        r.throughput.put("achieved (updates/s)", 499.7);
        r.counts.put("errors", "0");
        r.processes.add(new ProcessSampler.Usage("progress-service", 42, 1, 30.5, 0.25, 0.4, 280.5, 270.0));
        r.processes.add(new ProcessSampler.Usage("other", -1, 0, 1.0, 0.01, 0.05, 0, 0));
        r.target("e2e p99 at 500 updates/s", "<= 50 ms", "48 ms", true);
        r.target("e2e p50", "<= 10 ms", "not measured", null);
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("rate/s", 100.0);
        step.put("e2e p99", 12.5);
        step.put("pass", "pass");
        r.steps.add(step);
        r.notes.add("a note | with a pipe");
        return r;
    }

    @Test
    void markdownHasTheLatencyTableProcessesTargetsStepsAndChart() {
        String md = sample().toMarkdown("steady.svg");

        assertThat(md).startsWith("## steady: 500 updates/s for 120 s, open loop\n");
        assertThat(md).contains("`./bench.sh steady`");
        assertThat(md).contains("load average 0.10 0.20 0.30 before, 1.50 0.90 0.50 after");
        assertThat(md).contains("| latency (ms) | count | p50 | p90 | p99 | p99.9 | max |");
        assertThat(md).contains("| e2e — due → SSE frame | 4 | 5.00 | 48.0 | 48.0 | 48.0 | 48.0 |");
        assertThat(md).contains("| rate/s | e2e p99 | pass |");
        assertThat(md).contains("| 100 | 12.5 | pass |");
        assertThat(md).contains("| progress-service | 0.25 | 0.40 | 30.5 | 281 | 270 |");
        assertThat(md).contains("| other | 0.01 | 0.05 | 1 |  |  |");
        assertThat(md).contains("| e2e p99 at 500 updates/s | <= 50 ms | 48 ms | yes |");
        assertThat(md).contains("| e2e p50 | <= 10 ms | not measured | n/a |");
        assertThat(md).contains("- a note | with a pipe");
        assertThat(md).contains("![steady latency](steady.svg)");
    }

    @Test
    void jsonCarriesEverythingWithPercentilesByName() throws Exception {
        JsonNode json = new ObjectMapper().readTree(sample().toJson());

        assertThat(json.get("scenario").asText()).isEqualTo("steady");
        assertThat(json.at("/machine/loadBefore/0").asDouble()).isEqualTo(0.1);
        assertThat(json.at("/latencies/e2e/unit").asText()).isEqualTo("ms");
        assertThat(json.at("/latencies/e2e/count").asLong()).isEqualTo(4);
        assertThat(json.at("/latencies/e2e/p50").asDouble()).isCloseTo(5.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(json.at("/latencies/e2e/p99_9").asDouble()).isCloseTo(48.0, org.assertj.core.data.Offset.offset(0.05));
        assertThat(json.at("/throughput/achieved (updates~1s)").asDouble()).isEqualTo(499.7);
        assertThat(json.at("/processes/0/name").asText()).isEqualTo("progress-service");
        assertThat(json.at("/processes/0/rssMaxMiB").asDouble()).isEqualTo(280.5);
        assertThat(json.at("/targets/0/met").asBoolean()).isTrue();
        assertThat(json.at("/targets/1/met").isNull()).isTrue();
        assertThat(json.at("/steps/0/e2e p99").asDouble()).isEqualTo(12.5);
    }

    @Test
    void numbersInCellsAreShortAndReadable() {
        assertThat(Report.cell(500.0)).isEqualTo("500");
        assertThat(Report.cell(12.345)).isEqualTo("12.3");
        assertThat(Report.cell(0.256)).isEqualTo("0.26");
        assertThat(Report.cell(Double.NaN)).isEqualTo("n/a");
        assertThat(Report.cell(false)).isEqualTo("no");
        assertThat(Report.ms(0.123)).isEqualTo("0.12");
        assertThat(Report.ms(1234.5)).isEqualTo("1235");
    }

    @Test
    void theStacksCoresAreItsCpuSecondsOverTheSampledTimeNotASumOfRoundedCores() {
        Report r = new Report("idle", "t");
        // An idle run's figures: each process's cores rounds up to 0.01 or 0.02, six of them to 0.08.
        double[] cpuSeconds = {0.36, 1.13, 0.93, 0.45, 0.36, 0.45};
        for (int i = 0; i < cpuSeconds.length; i++) {
            double cores = Math.round(cpuSeconds[i] / 60 * 100) / 100.0;
            r.processes.add(new ProcessSampler.Usage("service-" + i, i, 1, cpuSeconds[i], cores, 0.1, 100, 100));
        }
        r.processes.add(new ProcessSampler.Usage("other", -1, 0, 30.0, 0.5, 0.9, 0, 0));

        assertThat(r.stackCpuCores()).as("no sampled time known: the sum of the rounded cores").isEqualTo(0.08);
        r.sampledSeconds = 60;
        assertThat(r.stackCpuCores()).isEqualTo(0.06);
    }

    @Test
    void cpuPerUpdateIsGivenPerProcessAndForTheStackWithoutTheToolAndOthers() throws Exception {
        Report r = new Report("steady", "t");
        r.processes.add(new ProcessSampler.Usage("postgresql", 1, 20, 2.0, 0.1, 0.2, 80, 80));
        r.processes.add(new ProcessSampler.Usage("progress-service", 2, 1, 3.0, 0.15, 0.3, 200, 200));
        r.processes.add(new ProcessSampler.Usage("bench (this tool)", 3, 1, 4.0, 0.2, 0.3, 300, 300));
        r.processes.add(new ProcessSampler.Usage("other", -1, 0, 9.0, 0.45, 0.5, 0, 0));
        r.updatesDuringSampling = 1_000;

        assertThat(r.cpuMsPerUpdate()).containsEntry("postgresql", 2.0).containsEntry("progress-service", 3.0)
                .containsEntry("bench (this tool)", 4.0).containsEntry("stack total", 5.0);
        assertThat(r.stackCpuCores()).isEqualTo(0.25);
        JsonNode json = new ObjectMapper().readTree(r.toJson());
        assertThat(json.at("/cpuMsPerUpdate/stack total").asDouble()).isEqualTo(5.0);
        assertThat(json.at("/stackCpuCores").asDouble()).isEqualTo(0.25);
        assertThat(r.toMarkdown(null)).contains("| **stack total** (PostgreSQL, Kafka, services) | 0.25 | | 5 | **5** |");
    }
}
