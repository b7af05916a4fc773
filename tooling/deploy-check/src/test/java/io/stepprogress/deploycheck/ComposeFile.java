package io.stepprogress.deploycheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker-compose.yml as written (variables not interpolated), with the few accessors the tests need. Both
 * spellings compose accepts are read: environment as a map or as a list of {@code KEY=VALUE}, depends_on as a
 * map or as a list, volumes in the short {@code source:target[:mode]} form or the long form.
 */
final class ComposeFile {

    /** The services built from this repository's modules, each configured by environment variables. */
    static final List<String> APPLICATION_SERVICES =
            List.of("progress-service", "notifier-service", "audit-consumer", "alert-consumer");

    private final Path path;
    private final String text;
    private final Map<String, Object> document;

    private ComposeFile(Path path, String text, Map<String, Object> document) {
        this.path = path;
        this.text = text;
        this.document = document;
    }

    static ComposeFile load() {
        return load(Repository.resolve("docker-compose.yml"));
    }

    static ComposeFile load(Path path) {
        try {
            String text = Files.readString(path);
            Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
            if (!(parsed instanceof Map<?, ?>)) {
                throw new IllegalStateException(path + " is not a YAML mapping");
            }
            return new ComposeFile(path, text, cast(parsed));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path path() {
        return path;
    }

    String text() {
        return text;
    }

    /** Every string value of the document (compose interpolates values, never keys or comments). */
    List<String> values() {
        List<String> values = new ArrayList<>();
        collectValues(document, values);
        return values;
    }

    private static void collectValues(Object node, List<String> values) {
        if (node instanceof Map<?, ?> map) {
            map.values().forEach(value -> collectValues(value, values));
        } else if (node instanceof List<?> list) {
            list.forEach(value -> collectValues(value, values));
        } else if (node != null) {
            values.add(String.valueOf(node));
        }
    }

    Map<String, Map<String, Object>> services() {
        Map<String, Map<String, Object>> services = new LinkedHashMap<>();
        map(document.get("services"), "services").forEach((name, definition) ->
                services.put(name, definition == null ? Map.of() : map(definition, "services." + name)));
        return services;
    }

    Map<String, Object> service(String name) {
        Map<String, Object> service = services().get(name);
        if (service == null) {
            throw new AssertionError("docker-compose.yml has no service " + name);
        }
        return service;
    }

    /** The service's environment as written; a variable listed without a value maps to null. */
    Map<String, String> environment(String service) {
        Object environment = service(service).get("environment");
        Map<String, String> result = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> entries) {
            entries.forEach((key, value) -> result.put(String.valueOf(key), value == null ? null : String.valueOf(value)));
        } else if (environment instanceof List<?> entries) {
            for (Object entry : entries) {
                String line = String.valueOf(entry);
                int equals = line.indexOf('=');
                result.put(equals < 0 ? line : line.substring(0, equals), equals < 0 ? null : line.substring(equals + 1));
            }
        } else if (environment != null) {
            throw new AssertionError(service + ".environment is neither a map nor a list: " + environment);
        }
        return result;
    }

    /** depends_on as service name to condition; the list form, which has no condition, maps to null. */
    Map<String, String> dependsOn(String service) {
        Object dependsOn = service(service).get("depends_on");
        Map<String, String> result = new LinkedHashMap<>();
        if (dependsOn instanceof Map<?, ?> entries) {
            entries.forEach((key, value) -> result.put(String.valueOf(key),
                    value instanceof Map<?, ?> options && options.get("condition") != null
                            ? String.valueOf(options.get("condition")) : null));
        } else if (dependsOn instanceof List<?> entries) {
            entries.forEach(entry -> result.put(String.valueOf(entry), null));
        }
        return result;
    }

    /** Bind mounts: host source (as written) to container target. Named volumes are left out. */
    Map<String, String> bindMounts(String service) {
        Object volumes = service(service).get("volumes");
        Map<String, String> result = new LinkedHashMap<>();
        if (!(volumes instanceof List<?> entries)) {
            return result;
        }
        for (Object entry : entries) {
            String source;
            String target;
            if (entry instanceof Map<?, ?> longForm) {
                if (!"bind".equals(longForm.get("type"))) {
                    continue;
                }
                source = String.valueOf(longForm.get("source"));
                target = String.valueOf(longForm.get("target"));
            } else {
                String[] parts = String.valueOf(entry).split(":");
                if (parts.length < 2) {
                    continue;
                }
                source = parts[0];
                target = parts[1];
            }
            if (source.startsWith(".") || source.startsWith("/") || source.startsWith("~")) {
                result.put(source, target);
            }
        }
        return result;
    }

    /** Container ports published by the service ("[ip:]host:container[/proto]" or the long form). */
    List<Integer> publishedContainerPorts(String service) {
        Object ports = service(service).get("ports");
        List<Integer> result = new ArrayList<>();
        if (ports instanceof List<?> entries) {
            for (Object entry : entries) {
                if (entry instanceof Map<?, ?> longForm) {
                    result.add(Integer.parseInt(String.valueOf(longForm.get("target"))));
                } else {
                    String spec = String.valueOf(entry).replaceFirst("/(tcp|udp)$", "");
                    result.add(Integer.parseInt(spec.substring(spec.lastIndexOf(':') + 1)));
                }
            }
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String where) {
        if (!(value instanceof Map<?, ?>)) {
            throw new AssertionError(where + " is not a mapping: " + value);
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object value) {
        return (Map<String, Object>) value;
    }
}
