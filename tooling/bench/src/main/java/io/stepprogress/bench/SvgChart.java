package io.stepprogress.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A small line chart as standalone SVG: a linear x axis (with the caller's tick labels when given), a
 * logarithmic latency axis in milliseconds, a legend, optional horizontal reference lines (targets).
 */
public final class SvgChart {

    /** A line: its name and its points (x, y in ms; y must be positive to be drawn). */
    public record Series(String name, List<double[]> points) {
    }

    /** A tick on the x axis. */
    public record Tick(double x, String label) {
    }

    /** A horizontal reference line, e.g. a target. */
    public record Line(double y, String label) {
    }

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
            "#e377c2", "#17becf"};
    private static final int WIDTH = 900;
    private static final int HEIGHT = 480;
    private static final int LEFT = 70;
    private static final int RIGHT = 220;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;

    private final String title;
    private final String xLabel;
    private final List<Series> series = new ArrayList<>();
    private final List<Tick> xTicks = new ArrayList<>();
    private final List<Line> lines = new ArrayList<>();

    public SvgChart(String title, String xLabel) {
        this.title = title;
        this.xLabel = xLabel;
    }

    public SvgChart series(String name, List<double[]> points) {
        series.add(new Series(name, points));
        return this;
    }

    public SvgChart tick(double x, String label) {
        xTicks.add(new Tick(x, label));
        return this;
    }

    public SvgChart line(double y, String label) {
        lines.add(new Line(y, label));
        return this;
    }

    public boolean isEmpty() {
        return series.stream().allMatch(s -> s.points().isEmpty());
    }

    /** The x of a percentile on a "percentile spectrum" axis: log10(1 / (1 - p)), so 90% = 1, 99% = 2, ... */
    public static double percentileX(double percentile) {
        double p = Math.min(percentile, 99.9999);
        return Math.log10(100.0 / (100.0 - p));
    }

    /** Adds the ticks 0%, 90%, 99%, 99.9%, 99.99%, 99.999% of a percentile spectrum axis. */
    public SvgChart percentileTicks() {
        String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
        for (int i = 0; i < labels.length; i++) {
            tick(i, labels[i]);
        }
        return this;
    }

    /** A histogram (microseconds) as a percentile spectrum: (percentileX, ms) points. */
    public static List<double[]> spectrum(AbstractHistogram histogram) {
        List<double[]> points = new ArrayList<>();
        if (histogram.getTotalCount() == 0) {
            return points;
        }
        for (HistogramIterationValue v : histogram.percentiles(5)) {
            double p = v.getPercentileLevelIteratedTo();
            if (p >= 100) {
                points.add(new double[] {percentileX(99.9999), v.getValueIteratedTo() / 1000.0});
                break;
            }
            points.add(new double[] {percentileX(p), v.getValueIteratedTo() / 1000.0});
        }
        return points;
    }

    public String render() {
        double xMin = Double.MAX_VALUE;
        double xMax = -Double.MAX_VALUE;
        double yMin = Double.MAX_VALUE;
        double yMax = 0;
        for (Series s : series) {
            for (double[] p : s.points()) {
                xMin = Math.min(xMin, p[0]);
                xMax = Math.max(xMax, p[0]);
                if (p[1] > 0) {
                    yMin = Math.min(yMin, p[1]);
                    yMax = Math.max(yMax, p[1]);
                }
            }
        }
        for (Tick t : xTicks) {
            xMin = Math.min(xMin, t.x());
            xMax = Math.max(xMax, t.x());
        }
        for (Line l : lines) {
            yMin = Math.min(yMin, l.y());
            yMax = Math.max(yMax, l.y());
        }
        if (xMin > xMax) {
            xMin = 0;
            xMax = 1;
        }
        if (xMax == xMin) {
            xMax = xMin + 1;
        }
        if (yMax <= 0) {
            yMin = 0.1;
            yMax = 1;
        }
        double logMin = Math.floor(Math.log10(yMin));
        double logMax = Math.ceil(Math.log10(yMax));
        if (logMax == logMin) {
            logMax = logMin + 1;
        }
        final double x0 = xMin;
        final double x1 = xMax;
        final double l0 = logMin;
        final double l1 = logMax;
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        java.util.function.DoubleUnaryOperator px = x -> LEFT + (x - x0) / (x1 - x0) * plotW;
        java.util.function.DoubleUnaryOperator py = y -> TOP + plotH - (Math.log10(y) - l0) / (l1 - l0) * plotH;

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                LEFT, escape(title)));
        // y grid: decades, with 2 and 5 between them when there are few decades
        for (int d = (int) l0; d <= (int) l1; d++) {
            for (int m : (l1 - l0) <= 3 ? new int[] {1, 2, 5} : new int[] {1}) {
                double y = m * Math.pow(10, d);
                double logY = Math.log10(y);
                if (logY < l0 - 1e-9 || logY > l1 + 1e-9) {
                    continue;
                }
                double yy = py.applyAsDouble(y);
                svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"%s\"/>%n",
                        LEFT, yy, LEFT + plotW, yy, m == 1 ? "#ccc" : "#eee"));
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                        LEFT - 6, yy + 4, number(y)));
            }
        }
        List<Tick> ticks = xTicks.isEmpty() ? autoTicks(x0, x1) : xTicks;
        for (Tick t : ticks) {
            double xx = px.applyAsDouble(t.x());
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n",
                    xx, TOP, xx, TOP + plotH));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    xx, TOP + plotH + 18, escape(t.label())));
        }
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#333\"/>%n", LEFT, TOP, plotW, plotH));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                LEFT + plotW / 2, HEIGHT - 18, escape(xLabel)));
        svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 16 %d)\">latency (ms, log scale)</text>%n", TOP + plotH / 2, TOP + plotH / 2));
        for (Line l : lines) {
            double yy = py.applyAsDouble(l.y());
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#888\" "
                    + "stroke-dasharray=\"6 4\"/>%n", LEFT, yy, LEFT + plotW, yy));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" fill=\"#555\">%s</text>%n",
                    LEFT + 4, yy - 4, escape(l.label())));
        }
        int legendY = TOP + 10;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            String color = COLORS[i % COLORS.length];
            StringBuilder path = new StringBuilder();
            for (double[] p : s.points()) {
                if (p[1] <= 0) {
                    continue;
                }
                path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f",
                        px.applyAsDouble(p[0]), py.applyAsDouble(Math.max(p[1], Math.pow(10, l0)))));
            }
            if (path.length() > 0) {
                svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                        path, color));
                if (s.points().size() <= 30) {
                    for (double[] p : s.points()) {
                        if (p[1] > 0) {
                            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                                    px.applyAsDouble(p[0]), py.applyAsDouble(p[1]), color));
                        }
                    }
                }
            }
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"4\" fill=\"%s\"/>%n",
                    LEFT + plotW + 14, legendY - 4, color));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + plotW + 34, legendY,
                    escape(s.name())));
            legendY += 18;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static List<Tick> autoTicks(double x0, double x1) {
        double span = x1 - x0;
        double step = Math.pow(10, Math.floor(Math.log10(span)));
        if (span / step < 4) {
            step /= 2;
        }
        if (span / step > 10) {
            step *= 2;
        }
        List<Tick> ticks = new ArrayList<>();
        for (double x = Math.ceil(x0 / step) * step; x <= x1 + 1e-9 && ticks.size() < 30; x += step) {
            ticks.add(new Tick(x, number(x)));
        }
        return ticks;
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.3f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
