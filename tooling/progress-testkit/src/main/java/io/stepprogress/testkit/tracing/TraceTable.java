package io.stepprogress.testkit.tracing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One trace's spans as a readable table, parents before their children (indented by depth), siblings by start:
 * service, span name, parent span's name, start offset from the earliest span's start, duration (milliseconds).
 */
public final class TraceTable {

    private TraceTable() {
    }

    public static String format(List<ExportedSpan> trace) {
        if (trace.isEmpty()) {
            return "(no spans)\n";
        }
        Map<String, ExportedSpan> byId = trace.stream().collect(Collectors.toMap(ExportedSpan::spanId,
                Function.identity(), (a, b) -> a));
        long origin = trace.stream().mapToLong(ExportedSpan::startNanos).min().orElseThrow();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"service", "span", "kind", "parent", "start ms", "duration ms"});
        Comparator<ExportedSpan> byStart = Comparator.comparingLong(ExportedSpan::startNanos);
        // Roots here: spans whose parent is not in the trace (the caller's own span, or none).
        trace.stream().filter(s -> !byId.containsKey(s.parentSpanId())).sorted(byStart)
                .forEach(root -> addTree(root, 0, trace, byId, origin, byStart, rows, new HashSet<>()));
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                boolean number = i >= 4;
                String format = "%" + (number ? "" : "-") + widths[i] + "s";
                table.append(String.format(format, row[i])).append(i < row.length - 1 ? "  " : "");
            }
            table.append('\n');
        }
        return table.toString();
    }

    private static void addTree(ExportedSpan span, int depth, List<ExportedSpan> trace, Map<String, ExportedSpan> byId,
                                long origin, Comparator<ExportedSpan> byStart, List<String[]> rows, Set<String> seen) {
        if (!seen.add(span.spanId())) {
            return;
        }
        ExportedSpan parent = byId.get(span.parentSpanId());
        String parentName = parent != null ? parent.name() : span.isRoot() ? "-" : "(caller " + span.parentSpanId() + ")";
        rows.add(new String[] {span.service(), "  ".repeat(depth) + span.name(), span.kindName(), parentName,
                millis(span.startNanos() - origin), millis(span.durationNanos())});
        trace.stream().filter(s -> s.parentSpanId().equals(span.spanId())).sorted(byStart)
                .forEach(child -> addTree(child, depth + 1, trace, byId, origin, byStart, rows, seen));
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e6);
    }
}
