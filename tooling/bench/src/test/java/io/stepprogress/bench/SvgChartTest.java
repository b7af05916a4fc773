package io.stepprogress.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class SvgChartTest {

    @Test
    void percentileAxisPutsTheNinesAtWholeNumbers() {
        assertThat(SvgChart.percentileX(0)).isEqualTo(0.0);
        assertThat(SvgChart.percentileX(90)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(SvgChart.percentileX(99.9)).isCloseTo(3.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(SvgChart.percentileX(100)).isCloseTo(6.0, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void aSpectrumRunsFromTheMedianRegionToTheMaximum() {
        Histogram h = new Histogram(3_600_000_000L, 3);
        for (int i = 1; i <= 10_000; i++) {
            h.recordValue(i);
        }

        List<double[]> points = SvgChart.spectrum(h);

        assertThat(points).isNotEmpty();
        assertThat(points.get(points.size() - 1)[1]).isCloseTo(10.0, org.assertj.core.data.Offset.offset(0.01)); // 10,000 us
        for (int i = 1; i < points.size(); i++) {
            assertThat(points.get(i)[0]).isGreaterThanOrEqualTo(points.get(i - 1)[0]);
            assertThat(points.get(i)[1]).isGreaterThanOrEqualTo(points.get(i - 1)[1]);
        }
    }

    @Test
    void rendersAStandaloneSvgWithSeriesLegendAndTargetLine() {
        String svg = new SvgChart("ramp <test>", "offered rate")
                .series("e2e p99", List.of(new double[] {100, 5}, new double[] {200, 40}))
                .series("empty", List.of())
                .line(100, "limit 100 ms").render();

        assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"");
        assertThat(svg).endsWith("</svg>\n");
        assertThat(svg).contains("ramp &lt;test&gt;");
        assertThat(svg).contains("<path d=\"M");
        assertThat(svg).contains(">e2e p99</text>");
        assertThat(svg).contains("limit 100 ms");
        assertThat(svg).contains("stroke-dasharray");
        assertThat(new SvgChart("x", "y").isEmpty()).isTrue();
    }
}
