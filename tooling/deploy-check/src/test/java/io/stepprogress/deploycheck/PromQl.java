package io.stepprogress.deploycheck;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads. Not a parser (promtool checks the syntax): it drops string
 * literals, label matchers, ranges and grouping clauses, then keeps the identifiers that are not followed by
 * "(" (functions) and are not keywords or aggregations.
 */
final class PromQl {

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![A-Za-z0-9_:.])([A-Za-z_:][A-Za-z0-9_:]*+)(?!\\s*\\()");
    private static final Set<String> NOT_METRICS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
            "on", "ignoring", "group_left", "group_right", "inf", "nan", "sum", "min", "max", "avg", "group", "stddev",
            "stdvar", "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio", "atan2");

    private PromQl() {
    }

    static Set<String> metricNames(String expr) {
        String rest = STRING.matcher(expr).replaceAll("\"\"");
        rest = MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = GROUPING.matcher(rest).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(rest);
        while (m.find()) {
            String name = m.group(1);
            if (!NOT_METRICS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                names.add(name);
            }
        }
        return names;
    }
}
