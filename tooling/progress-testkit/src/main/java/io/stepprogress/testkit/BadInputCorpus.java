package io.stepprogress.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;

/**
 * Generated bad input for every endpoint of every service: JSON bodies derived from a valid one by a single
 * fault each, path segments that are not ids, query values that are not what a parameter takes. Everything
 * comes from one {@link Random} with a fixed seed, printed by {@link #seed()}, so a failing case reproduces
 * with {@code -Dbadinput.seed=<seed>}.
 */
public final class BadInputCorpus {

    /** One generated request to a service's API and the answers it may get: a row of a corpus test. */
    public record Probe(String name, Set<Integer> statuses,
                        Function<io.restassured.specification.RequestSpecification, io.restassured.response.Response> send) {
        @Override
        public String toString() {
            return name;
        }
    }

    public static final long DEFAULT_SEED = 20_260_613L;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String PLACEHOLDER = "\u2603placeholder\u2603";

    private BadInputCorpus() {
    }

    /** The seed of this run ({@code -Dbadinput.seed} or the default), printed so a failure can be replayed. */
    public static long seed() {
        String configured = System.getProperty("badinput.seed");
        long seed = configured == null || configured.isBlank() ? DEFAULT_SEED : Long.parseLong(configured.trim());
        System.out.println("BadInputCorpus seed " + seed + " (replay with -Dbadinput.seed=" + seed + ")");
        return seed;
    }

    public enum Fault {
        CONTROL_CHARACTER, UNKNOWN_FIELD, DUPLICATE_FIELD, TRAILING_CONTENT, WRONG_TYPE, TRUNCATED, INVALID_UTF8,
        LONE_SURROGATE, DEEP_NESTING, BAD_NUMBER, NOT_AN_OBJECT, WRONG_CONTENT_TYPE, TOO_LARGE
    }

    /** One bad body: sent with {@code contentType}, answered with one of {@code statuses}. */
    public record BadBody(Fault fault, String description, String contentType, byte[] bytes, Set<Integer> statuses) {
        @Override
        public String toString() {
            return fault + " " + abbreviate(description);
        }
    }

    /** A path segment (already percent-encoded) that is not a valid id. */
    public record BadSegment(String description, String encoded, Set<Integer> statuses) {
        @Override
        public String toString() {
            return "segment " + abbreviate(description);
        }
    }

    /** A query value (already percent-encoded) that the parameter must refuse. */
    public record BadQuery(String description, String encoded) {
        @Override
        public String toString() {
            return "query " + abbreviate(description);
        }
    }

    /**
     * {@code count} bodies derived from {@code valid}, cycling through every {@link Fault}.
     *
     * @param textFields   JSON pointers of the valid body's text fields (e.g. {@code /steps/0/label})
     * @param maxBodyBytes the service's body limit, for {@link Fault#TOO_LARGE}
     */
    public static List<BadBody> bodies(Random random, String valid, List<String> textFields, int count,
                                       int maxBodyBytes) {
        List<BadBody> bodies = new ArrayList<>();
        Fault[] faults = Fault.values();
        for (int i = 0; i < count; i++) {
            bodies.add(body(random, faults[i % faults.length], read(valid), textFields, maxBodyBytes));
        }
        return bodies;
    }

    private static BadBody body(Random random, Fault fault, ObjectNode root, List<String> textFields, int maxBodyBytes) {
        String json = "application/json";
        switch (fault) {
            case CONTROL_CHARACTER -> {
                String pointer = pick(random, textFields);
                char control = controlCharacter(random);
                set(root, pointer, NODES.textNode(randomWord(random) + control + randomWord(random)));
                return bad(fault, String.format("U+%04X in %s", (int) control, pointer), json, write(root), 400);
            }
            case UNKNOWN_FIELD -> {
                ObjectNode target = pick(random, objects(root));
                String name = unknownName(random, target);
                target.put(name, random.nextBoolean() ? "x" : "1");
                return bad(fault, "'" + name + "'", json, write(root), 400);
            }
            case DUPLICATE_FIELD -> {
                ObjectNode target = pick(random, objects(root).stream().filter(o -> o.size() > 0).toList());
                String name = pick(random, fieldNames(target));
                String again = target.get(name).toString();
                target.put(PLACEHOLDER, PLACEHOLDER);
                String text = write(root).replace("\"" + PLACEHOLDER + "\":\"" + PLACEHOLDER + "\"",
                        "\"" + name + "\":" + (random.nextBoolean() ? again : "\"other\""));
                return bad(fault, "'" + name + "'", json, text, 400);
            }
            case TRAILING_CONTENT -> {
                String tail = pick(random, List.of("xyz", "}", "]", "{}", "[]", "1", "\"x\"", "null", ",",
                        "//", write(root), "\u0000"));
                return bad(fault, tail, json, write(root) + " ".repeat(random.nextInt(3)) + tail, 400);
            }
            case WRONG_TYPE -> {
                List<String> pointers = valuePointers(root, "");
                String pointer = pick(random, pointers);
                JsonNode current = root.at(pointer);
                JsonNode other;
                do {
                    other = pick(random, List.of(NODES.textNode("60"), NODES.numberNode(7), NODES.numberNode(1.5),
                            NODES.booleanNode(true), NODES.arrayNode().add(1), NODES.objectNode()));
                } while (other.getNodeType() == current.getNodeType());
                set(root, pointer, other);
                return bad(fault, pointer + " as " + other, json, write(root), 400);
            }
            case TRUNCATED -> {
                String text = write(root);
                int cut = 1 + random.nextInt(text.length() - 1);
                return bad(fault, "after " + cut + " characters", json, text.substring(0, cut), 400);
            }
            case INVALID_UTF8 -> {
                String pointer = pick(random, textFields);
                set(root, pointer, NODES.textNode("ok" + PLACEHOLDER));
                byte[][] sequences = {{(byte) 0xff}, {(byte) 0xfe}, {(byte) 0xc3, 0x28}, {(byte) 0x80},
                        {(byte) 0xe2, (byte) 0x82}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80}};
                byte[] sequence = sequences[random.nextInt(sequences.length)];
                String[] parts = write(root).split(PLACEHOLDER, -1);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.writeBytes(parts[0].getBytes(StandardCharsets.UTF_8));
                out.writeBytes(sequence);
                out.writeBytes(parts[1].getBytes(StandardCharsets.UTF_8));
                return new BadBody(fault, hex(sequence) + " in " + pointer, json, out.toByteArray(), Set.of(400));
            }
            case LONE_SURROGATE -> {
                String pointer = pick(random, textFields);
                set(root, pointer, NODES.textNode(PLACEHOLDER));
                String surrogate = pick(random, List.of("\\ud800", "\\udfff", "\\ud83dx", "x\\ude00"));
                return bad(fault, surrogate + " in " + pointer, json,
                        write(root).replace(PLACEHOLDER, surrogate), 400);
            }
            case DEEP_NESTING -> {
                String pointer = pick(random, valuePointers(root, ""));
                int depth = 500 + random.nextInt(2500);
                set(root, pointer, NODES.textNode(PLACEHOLDER));
                String nested = "[".repeat(depth) + "]".repeat(depth);
                return bad(fault, depth + " levels at " + pointer, json,
                        write(root).replace("\"" + PLACEHOLDER + "\"", nested), 400);
            }
            case BAD_NUMBER -> {
                String pointer = pick(random, valuePointers(root, ""));
                String number = pick(random, List.of("1e400", "123456789012345678901234567890", "-1e-400",
                        "1E9999", "0x10", "NaN", "Infinity", "-Infinity", "01", "+1", ".5", "-", "1.", "1e"));
                set(root, pointer, NODES.textNode(PLACEHOLDER));
                return bad(fault, number + " at " + pointer, json,
                        write(root).replace("\"" + PLACEHOLDER + "\"", number), 400);
            }
            case NOT_AN_OBJECT -> {
                String text = pick(random, List.of("[]", "[" + write(root) + "]", "1", "\"text\"", "true",
                        "[null]", "\"" + write(root).replace("\"", "\\\"") + "\""));
                return bad(fault, text, json, text, 400);
            }
            case WRONG_CONTENT_TYPE -> {
                String type = pick(random, List.of("text/plain", "application/xml", "text/csv",
                        "multipart/form-data; boundary=x", "application/json-patch+json", "text/json",
                        "application/octet-stream", "image/png"));
                return bad(fault, type, type, write(root), 415);
            }
            case TOO_LARGE -> {
                String pointer = pick(random, textFields);
                set(root, pointer, NODES.textNode("x".repeat(maxBodyBytes + 1 + random.nextInt(4096))));
                return bad(fault, "over " + maxBodyBytes + " bytes in " + pointer, json, write(root), 413);
            }
            default -> throw new IllegalStateException(fault.name());
        }
    }

    /** {@code count} path segments that are not ids ({@code [A-Za-z0-9._-]{1,64}}). */
    public static List<BadSegment> segments(Random random, int count) {
        List<BadSegment> segments = new ArrayList<>();
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
        String[] strangers = {" ", "!", "'", "\"", "<", ">", ";", "*", "\u0000", "\n", "\u007f", "\u0085", "é",
                "中", "\uD83D\uDE80", "\\", "$", "(", ",", "+", "=", "~", "@", ":", "%", "`", "{", "|"};
        for (int i = 0; i < count; i++) {
            switch (i % 4) {
                case 0 -> {
                    String id = randomFrom(random, alphabet, 65 + random.nextInt(200));
                    segments.add(new BadSegment(id.length() + " characters", id, Set.of(400)));
                }
                case 1, 2 -> {
                    String id = randomFrom(random, alphabet, 1 + random.nextInt(20));
                    String stranger = strangers[random.nextInt(strangers.length)];
                    int at = random.nextInt(id.length() + 1);
                    String raw = id.substring(0, at) + stranger + id.substring(at);
                    segments.add(new BadSegment(raw, encode(raw), Set.of(400)));
                }
                default -> {
                    String raw = pick(random, List.of("%2F", "..%2F..", "%2e%2e", "a%2Fb", "%00",
                            "%C0%AF", "%FF", "%ED%A0%80"));
                    segments.add(new BadSegment(raw, raw, Set.of(400, 404)));
                }
            }
        }
        return segments;
    }

    /**
     * {@code count} values an integer parameter within {@code min..max} must refuse: words, fractions,
     * out-of-range and non-ASCII digits, controls.
     */
    public static List<BadQuery> integers(Random random, long min, long max, int count) {
        List<String> fixed = List.of(String.valueOf(min - 1), max == Long.MAX_VALUE ? "9223372036854775808"
                        : String.valueOf(max + 1), "1.5", "1e3", "0x10", "abc", "٣", "１", "NaN", "--1", "1 2",
                "99999999999999999999999", "\u0000", "1\u0000", "true", "[1]", "%s");
        List<BadQuery> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String raw = i < fixed.size() ? fixed.get(i) : "";
            while (raw.isBlank()) { // a blank value means "not given", which is allowed
                raw = randomFrom(random, "abcxyz!@#$^&*()_[]{};:'\",<>?\\|`~ \u0001\u001b\u0085é", 1 + random.nextInt(12));
            }
            values.add(new BadQuery(raw, encode(raw)));
        }
        return values;
    }

    /** {@code count} values a parameter taking one of {@code allowed} must refuse. */
    public static List<BadQuery> words(Random random, Set<String> allowed, int count) {
        List<BadQuery> values = new ArrayList<>();
        List<String> known = new ArrayList<>(allowed);
        for (int i = 0; i < count; i++) {
            String raw;
            do {
                raw = switch (i % 4) {
                    case 0 -> known.get(random.nextInt(known.size())) + controlCharacter(random);
                    case 1 -> misspell(random, known.get(random.nextInt(known.size())));
                    case 2 -> randomFrom(random, "abcdefghijklmnopqrstuvwxyz<>'\"%;\\", 1 + random.nextInt(30));
                    default -> "x".repeat(1000 + random.nextInt(2000));
                };
            } while (allowed.contains(raw) || allowed.contains(raw.strip()));
            values.add(new BadQuery(raw, encode(raw)));
        }
        return values;
    }

    /** {@code count} Authorization header values that are no valid bearer token (printable ASCII: HTTP allows no more). */
    public static List<String> credentials(Random random, int count) {
        String base64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(switch (i % 5) {
                case 0 -> "Bearer " + randomFrom(random, base64url, 1 + random.nextInt(40));
                case 1 -> "Bearer " + randomFrom(random, base64url, 10 + random.nextInt(40)) + "."
                        + randomFrom(random, base64url, 10 + random.nextInt(80)) + "."
                        + randomFrom(random, base64url, random.nextInt(60));
                case 2 -> pick(random, List.of("Bearer", "Bearer ", "bearer", "Basic dXNlcjpwYXNz", "Token x",
                        "Bearer a.b", "Bearer ...", "Bearer eyJhbGciOiJub25lIn0.e30.", "Bearer " + "x".repeat(6000)));
                case 3 -> "Bearer " + randomFrom(random, "!#$%&'()*+,/:;<=>?@[]^`{|}~\"", 1 + random.nextInt(30));
                default -> randomFrom(random, base64url + " .", 1 + random.nextInt(60));
            });
        }
        return values;
    }

    /**
     * What every refusal must look like: one of the expected statuses, as {@code application/problem+json}
     * whose {@code status} agrees, and nothing internal in it.
     */
    public static void assertProblem(io.restassured.response.Response response, Set<Integer> statuses, Object label) {
        String body = response.asString();
        String what = label + " answered " + response.statusCode() + " " + response.contentType() + " " + abbreviate(body);
        if (!statuses.contains(response.statusCode())) {
            throw new AssertionError(what + "; expected one of " + statuses);
        }
        if (response.contentType() == null || !response.contentType().startsWith("application/problem+json")) {
            throw new AssertionError(what + "; expected application/problem+json");
        }
        if (!String.valueOf(response.statusCode()).equals(String.valueOf(response.jsonPath().getInt("status")))) {
            throw new AssertionError(what + "; the problem's status differs");
        }
        for (String leak : List.of("Exception", "java.", "jackson", "\u0000")) {
            if (body.contains(leak)) {
                throw new AssertionError(what + "; the body contains " + leak);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------

    private static BadBody bad(Fault fault, String description, String contentType, String body, int status) {
        return new BadBody(fault, description, contentType, body.getBytes(StandardCharsets.UTF_8), Set.of(status));
    }

    private static char controlCharacter(Random random) {
        List<Character> controls = new ArrayList<>();
        for (char c = 0; c < 0x20; c++) {
            if (c != '\t' && c != '\n' && c != '\r') {
                controls.add(c);
            }
        }
        for (char c = 0x7f; c <= 0x9f; c++) {
            controls.add(c);
        }
        return controls.get(random.nextInt(controls.size()));
    }

    private static String unknownName(Random random, ObjectNode target) {
        List<String> names = fieldNames(target);
        String name;
        do {
            int kind = random.nextInt(4);
            if (kind < 2 && !names.isEmpty()) {
                name = misspell(random, pick(random, names));
            } else if (kind == 2) {
                name = randomFrom(random, "abcdefghijklmnopqrstuvwxyz_$", 1 + random.nextInt(20));
            } else {
                name = pick(random, List.of("__proto__", "constructor", "@class", "\u0000", "", "id", "projectId",
                        "sequence", "status", "x".repeat(300)));
            }
        } while (names.contains(name));
        return name;
    }

    private static String misspell(Random random, String word) {
        if (word.length() < 2) {
            return word + "x";
        }
        int at = random.nextInt(word.length() - 1);
        return switch (random.nextInt(5)) {
            case 0 -> word.substring(0, at) + word.substring(at + 1);
            case 1 -> word.substring(0, at) + word.charAt(at) + word.substring(at);
            case 2 -> word.substring(0, at) + word.charAt(at + 1) + word.charAt(at) + word.substring(at + 2);
            case 3 -> Character.toUpperCase(word.charAt(0)) + word.substring(1);
            default -> word + "s";
        };
    }

    private static List<ObjectNode> objects(JsonNode node) {
        List<ObjectNode> found = new ArrayList<>();
        if (node instanceof ObjectNode object) {
            found.add(object);
        }
        node.elements().forEachRemaining(child -> found.addAll(objects(child)));
        return found;
    }

    /** Pointers to every value below the root. */
    private static List<String> valuePointers(JsonNode node, String at) {
        List<String> pointers = new ArrayList<>();
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String pointer = at + "/" + field.getKey();
                pointers.add(pointer);
                pointers.addAll(valuePointers(field.getValue(), pointer));
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                pointers.add(at + "/" + i);
                pointers.addAll(valuePointers(array.get(i), at + "/" + i));
            }
        }
        return pointers;
    }

    private static void set(ObjectNode root, String pointer, JsonNode value) {
        int slash = pointer.lastIndexOf('/');
        JsonNode parent = slash == 0 ? root : root.at(pointer.substring(0, slash));
        String last = pointer.substring(slash + 1);
        if (parent instanceof ObjectNode object) {
            object.set(last, value);
        } else if (parent instanceof ArrayNode array) {
            array.set(Integer.parseInt(last), value);
        } else {
            throw new IllegalArgumentException("no value at " + pointer);
        }
    }

    private static List<String> fieldNames(ObjectNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static ObjectNode read(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON object: " + json, e);
        }
    }

    private static String write(JsonNode node) {
        return node.toString();
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static String randomFrom(Random random, String alphabet, int length) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    private static String randomWord(Random random) {
        return randomFrom(random, "abcdefghij ", random.nextInt(6));
    }

    private static String encode(String raw) {
        return URLEncoder.encode(raw, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(String.format("%02X ", b & 0xff));
        }
        return out.toString().trim();
    }

    private static String abbreviate(String text) {
        String printable = text.codePoints().mapToObj(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)
                ? String.format("\\u%04x", c) : Character.toString(c)).reduce("", String::concat);
        return printable.length() > 60 ? printable.substring(0, 60) + "…(" + printable.length() + ")" : printable;
    }
}
