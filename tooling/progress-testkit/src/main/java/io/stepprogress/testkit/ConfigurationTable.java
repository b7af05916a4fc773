package io.stepprogress.testkit;

import io.smallrye.config.ConfigMappingInterface.Property;
import io.smallrye.config.ConfigMappings;
import io.smallrye.config.ConfigMappings.ConfigClass;
import io.smallrye.config.ConfigMapping;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A service's documented configuration table (a Markdown table headed {@code | key | default | ...}), checked
 * against its {@code @ConfigMapping} interfaces as SmallRye Config reads them: every property has a row, every
 * row under a mapping's prefix is a property, and each documented default is the mapping's
 * {@code @WithDefault}. The default is written once, in the mapping: {@code application.properties} may only
 * change it in a profile, and a {@code ${property:fallback}} in the Java sources must fall back to the same value.
 * <p>
 * A row may document several keys: {@code `a.b.c` / `d`} (a sibling of the first key) or {@code `a.b.c` / `a.x.y`},
 * with one default for all or one per key ({@code `3` / `1`}). {@code `list[i].x/y`} is {@code list[*].x} and
 * {@code list[*].y}; a map key {@code "<key>"} is {@code *}. A default cell that starts with "none" means no default.
 */
public final class ConfigurationTable {

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern HEADER = Pattern.compile("^\\|\\s*key\\s*\\|\\s*default\\s*\\|.*", Pattern.CASE_INSENSITIVE);
    private static final Pattern FALLBACK = Pattern.compile("\\$\\{([a-z0-9.\\-\\[\\]*]+):([^}]*)}");

    /** One row: its keys (normalized), the defaults it names and whether it says there is none. */
    record Row(List<String> keys, List<String> defaults, boolean none, String line) {

        /** The documented default of {@code key}: one per key, or one for all; null when not stated per key. */
        List<String> defaultsOf(String key) {
            if (defaults.size() == keys.size()) {
                return List.of(defaults.get(keys.indexOf(key)));
            }
            return keys.size() == 1 || defaults.size() == 1 ? defaults : List.of();
        }
    }

    private final Path file;
    private final List<Row> rows;

    private ConfigurationTable(Path file, List<Row> rows) {
        this.file = file;
        this.rows = rows;
    }

    /** Every {@code | key | default | ... |} table of a Markdown file, as one list of rows. */
    public static ConfigurationTable read(Path markdown) {
        List<Row> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : lines(markdown)) {
            if (HEADER.matcher(line).matches()) {
                inTable = true;
            } else if (!line.startsWith("|")) {
                inTable = false;
            } else if (inTable && !line.matches("^\\|[-|\\s:]+\\|\\s*$")) {
                rows.add(row(line));
            }
        }
        if (rows.isEmpty()) {
            throw new AssertionError(markdown + " has no configuration table (| key | default | meaning |)");
        }
        return new ConfigurationTable(markdown, rows);
    }

    /**
     * Fails, listing every problem, unless the table documents exactly the properties of {@code mappings} under
     * their prefixes, with their defaults, and {@code module}'s application.properties and Java sources agree.
     */
    public void assertDocuments(Path module, Class<?>... mappings) {
        List<String> problems = problems(module, mappings);
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " configuration problem(s) in " + file + " against "
                    + Stream.of(mappings).map(Class::getSimpleName).toList() + ":\n  " + String.join("\n  ", problems));
        }
    }

    List<String> problems(Path module, Class<?>... mappings) {
        Map<String, Property> properties = new TreeMap<>();
        List<String> prefixes = new ArrayList<>();
        for (Class<?> mapping : mappings) {
            prefixes.add(mapping.getAnnotation(ConfigMapping.class).prefix() + ".");
            ConfigMappings.getProperties(ConfigClass.configClass(mapping)).forEach((name, property) -> {
                if (property.isLeaf() || property.isPrimitive() || property.isOptional() || property.isCollection()
                        || property.isMap()) {
                    // A list of values is one setting ("a,b"), documented without an index.
                    properties.put(normalize(name).replaceFirst("\\[\\*]$", ""), property);
                }
            });
        }
        Map<String, String> unprofiled = applicationProperties(module.resolve("src/main/resources/application.properties"));
        List<String> problems = new ArrayList<>();

        properties.forEach((name, property) -> {
            String declared = defaultOf(property);
            List<Row> documenting = rows.stream().filter(r -> r.keys().contains(name)).toList();
            String expected = declared != null ? declared : name.contains("*") ? null : unprofiled.get(name);
            if (documenting.isEmpty()) {
                problems.add("no row for " + name + (expected == null ? "" : " (default " + expected + ")"));
                return;
            }
            for (Row row : documenting) {
                if (expected == null && !row.none() && !name.contains("*")) {
                    problems.add(name + " has no default, but its row says " + row.defaults() + ": " + row.line());
                } else if (expected != null && (row.none() || !row.defaultsOf(name).contains(expected))) {
                    problems.add(name + " defaults to " + expected + ", but its row says "
                            + (row.none() ? "none" : row.defaultsOf(name)) + ": " + row.line());
                }
            }
            String configured = unprofiled.get(name);
            if (declared != null && configured != null && !configured.contains("${")) {
                problems.add("application.properties sets " + name + "=" + configured + ", the default is "
                        + declared + " (@WithDefault): write a default once, change it in a %profile only");
            }
        });

        for (Row row : rows) {
            for (String key : row.keys()) {
                if (prefixes.stream().anyMatch(key::startsWith) && !properties.containsKey(key)) {
                    problems.add("stale row: " + key + " is not a property of " + Stream.of(mappings)
                            .map(Class::getSimpleName).toList() + ": " + row.line());
                }
            }
        }

        for (Path source : javaSources(module.resolve("src/main/java"))) {
            Matcher m = FALLBACK.matcher(text(source));
            while (m.find()) {
                Property property = properties.get(normalize(m.group(1)));
                String declared = property == null ? null : defaultOf(property);
                if (declared != null && !declared.equals(m.group(2))) {
                    problems.add(module.relativize(source) + " falls back to " + m.group() + ", the default is "
                            + declared + " (@WithDefault)");
                }
            }
        }
        return problems;
    }

    private static String defaultOf(Property property) {
        return property.hasDefaultValue() ? property.getDefaultValue() : null;
    }

    private static Row row(String line) {
        String[] cells = line.split("(?<!\\\\)\\|", -1);
        String keyCell = cells.length > 1 ? cells[1] : "";
        String defaultCell = cells.length > 2 ? cells[2].trim() : "";
        List<String> keys = new ArrayList<>();
        String first = null;
        for (String token : codes(keyCell)) {
            String key = token.trim();
            if (first != null && (key.startsWith(".") || !key.contains("."))) {
                key = first.substring(0, first.lastIndexOf('.') + 1) + key.replaceFirst("^\\.", "");
            }
            int slash = key.lastIndexOf('/');
            if (slash > 0) {
                String parent = key.substring(0, key.lastIndexOf('.', slash) + 1);
                for (String leaf : key.substring(parent.length()).split("/")) {
                    keys.add(normalize(parent + leaf));
                }
            } else {
                keys.add(normalize(key));
            }
            if (first == null) {
                first = key;
            }
        }
        boolean none = defaultCell.isEmpty() || defaultCell.toLowerCase().startsWith("none");
        List<String> defaults = codes(defaultCell);
        if (!none && defaults.isEmpty()) {
            defaults = List.of(defaultCell);
        }
        return new Row(keys, none ? List.of() : defaults, none, line.trim());
    }

    /** {@code list[i].x} and {@code list[0].x} are {@code list[*].x}; a map key {@code "<key>"} is {@code *}. */
    private static String normalize(String key) {
        return key.replaceAll("\\[[^]]*]", "[*]").replaceAll("\"[^\"]*\"", "*");
    }

    private static List<String> codes(String cell) {
        List<String> codes = new ArrayList<>();
        Matcher m = CODE.matcher(cell);
        while (m.find()) {
            codes.add(m.group(1));
        }
        return codes;
    }

    /** The keys without a %profile, with their values as written. */
    private static Map<String, String> applicationProperties(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return values;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        properties.stringPropertyNames().stream().filter(k -> !k.startsWith("%"))
                .forEach(k -> values.put(normalize(k), properties.getProperty(k)));
        return values;
    }

    private static List<Path> javaSources(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path file) {
        return List.of(text(file).split("\n"));
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
