package io.stepprogress.deploycheck;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The configuration properties one service module really reads, and Quarkus' rule for environment variables
 * (every character that is not a letter or a digit becomes {@code _}, then upper case) to match variables
 * against them. Known properties come from:
 * <ul>
 *   <li>the keys of {@code src/main/resources/application.properties}, {@code %profile.} prefixes stripped;</li>
 *   <li>{@code ${NAME}} / {@code ${NAME:default}} expressions in those values and in Java string literals
 *       (e.g. {@code %prod.quarkus.log.console.json.enabled=${PROGRESS_JSON_LOGS:false}});</li>
 *   <li>{@code @ConfigMapping(prefix = "...")} interfaces: methods in kebab-case (or {@code @WithName}), nested
 *       groups, {@code List<Group>} as {@code name[*]}, {@code Map} as {@code name.*};</li>
 *   <li>{@code @ConfigProperty(name = "...")} and {@code getValue("...")}/{@code getOptionalValue("...")}
 *       with a whole literal name;</li>
 *   <li>the property families of the Quarkus extensions the module depends on ({@link #FAMILIES}).</li>
 * </ul>
 * The Java sources of this repository's own modules the service depends on are scanned too.
 * {@code *} in a property stands for one or more characters of a map key or list index.
 */
final class ServiceConfiguration {

    /** A property name or pattern and where it was found. */
    record Property(String name, String source) {
    }

    /**
     * Property families a module reads because it depends on (any of) {@code artifactIds}; an empty list means
     * every Quarkus HTTP service. Kept to what each extension really consumes: {@code kafka.*} is the default
     * configuration of SmallRye Reactive Messaging's Kafka connector only, so it belongs to
     * quarkus-messaging-kafka and not to quarkus-kafka-client (progress-service builds its own Kafka clients
     * from kafka.bootstrap.servers alone: any other KAFKA_* variable would be silently ignored there).
     */
    record Family(String name, List<String> artifactIds, List<String> properties) {
    }

    static final List<Family> FAMILIES = List.of(
            new Family("Quarkus core, HTTP and logging", List.of(),
                    List.of("quarkus.http.*", "quarkus.log.*", "quarkus.application.*", "quarkus.profile",
                            "quarkus.shutdown.*", "quarkus.thread-pool.*", "quarkus.vertx.*", "quarkus.management.*")),
            new Family("datasource", List.of("quarkus-agroal", "quarkus-jdbc-postgresql"),
                    List.of("quarkus.datasource.*")),
            new Family("Flyway", List.of("quarkus-flyway"), List.of("quarkus.flyway.*")),
            new Family("Narayana JTA", List.of("quarkus-narayana-jta"), List.of("quarkus.transaction-manager.*")),
            new Family("Kafka messaging", List.of("quarkus-messaging-kafka"),
                    List.of("kafka.*", "mp.messaging.*", "quarkus.messaging.*")),
            new Family("Kafka client extension", List.of("quarkus-kafka-client", "quarkus-messaging-kafka"),
                    List.of("quarkus.kafka.*")),
            new Family("SmallRye Health", List.of("quarkus-smallrye-health"), List.of("quarkus.smallrye-health.*")),
            new Family("Micrometer", List.of("quarkus-micrometer", "quarkus-micrometer-registry-prometheus"),
                    List.of("quarkus.micrometer.*")),
            new Family("OpenAPI", List.of("quarkus-smallrye-openapi"),
                    List.of("quarkus.smallrye-openapi.*", "quarkus.swagger-ui.*")),
            new Family("scheduler", List.of("quarkus-scheduler"), List.of("quarkus.scheduler.*")),
            new Family("OpenTelemetry", List.of("quarkus-opentelemetry"), List.of("quarkus.otel.*")),
            new Family("SmallRye JWT", List.of("quarkus-smallrye-jwt"),
                    List.of("mp.jwt.*", "smallrye.jwt.*", "quarkus.smallrye-jwt.*")));

    private static final Pattern PROFILE_PREFIX = Pattern.compile("^%[^.]+\\.");
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^:}${\\s]+)(?::[^}]*)?}");
    private static final Pattern GET_VALUE = Pattern.compile("\\bget(?:Optional)?Value\\s*\\(\\s*\"([^\"\\\\]+)\"\\s*,");
    private static final Pattern INTERFACE = Pattern.compile("(?<!@)\\binterface\\s+(\\w+)");
    private static final Pattern MEMBER = Pattern.compile("(?s)^(?:(?:public|abstract)\\s+)*(.+?)\\s*\\b(\\w+)\\s*\\(\\s*\\)$");

    private final String module;
    private final List<Property> properties;
    private final List<Pattern> patterns;

    private ServiceConfiguration(String module, List<Property> properties) {
        this.module = module;
        this.properties = List.copyOf(properties);
        this.patterns = properties.stream().map(p -> envPattern(p.name())).toList();
    }

    /** Scans a module directory (pom.xml, src/main/resources, src/main/java). */
    static ServiceConfiguration scan(Path moduleDir) {
        Path dir = moduleDir.toAbsolutePath().normalize();
        List<Property> found = new ArrayList<>();
        for (String resource : List.of("application.properties", "META-INF/microprofile-config.properties")) {
            Path file = dir.resolve("src/main/resources").resolve(resource);
            if (Files.isRegularFile(file)) {
                found.addAll(propertiesFile(file, resource));
            }
        }
        Set<Path> scanned = new LinkedHashSet<>();
        scanSources(dir, found, scanned);
        Set<String> artifacts = dependencies(dir.resolve("pom.xml"), null);
        for (Family family : FAMILIES) {
            Optional<String> via = family.artifactIds().stream().filter(artifacts::contains).findFirst();
            if (family.artifactIds().isEmpty() || via.isPresent()) {
                String source = "family " + family.name() + via.map(a -> " (" + a + ")").orElse("");
                family.properties().forEach(p -> found.add(new Property(p, source)));
            }
        }
        return new ServiceConfiguration(dir.getFileName().toString(), found);
    }

    String module() {
        return module;
    }

    List<Property> properties() {
        return properties;
    }

    /** The first known property the variable sets (properties found in the module before families), if any. */
    Optional<Property> propertyFor(String variable) {
        String normalized = toEnvName(variable);
        for (int i = 0; i < properties.size(); i++) {
            if (patterns.get(i).matcher(normalized).matches()) {
                return Optional.of(properties.get(i));
            }
        }
        return Optional.empty();
    }

    /** Quarkus' (SmallRye Config's) environment variable form of a property name. */
    static String toEnvName(String property) {
        StringBuilder name = new StringBuilder(property.length());
        for (char c : property.toCharArray()) {
            name.append(c < 128 && Character.isLetterOrDigit(c) ? Character.toUpperCase(c) : '_');
        }
        return name.toString();
    }

    static Pattern envPattern(String property) {
        String[] parts = property.split("\\*", -1);
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                regex.append("[A-Z0-9_]+");
            }
            regex.append(Pattern.quote(toEnvName(parts[i])));
        }
        return Pattern.compile(regex.toString());
    }

    // --- application.properties ---------------------------------------------------------------------------

    private static List<Property> propertiesFile(Path file, String name) {
        Properties loaded = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            loaded.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Property> found = new ArrayList<>();
        for (String key : loaded.stringPropertyNames()) {
            found.add(new Property(PROFILE_PREFIX.matcher(key).replaceFirst(""), name));
            Matcher expression = EXPRESSION.matcher(loaded.getProperty(key));
            while (expression.find()) {
                found.add(new Property(expression.group(1), "${...} in " + name + " (" + key + ")"));
            }
        }
        found.sort((a, b) -> a.name().compareTo(b.name()));
        return found;
    }

    // --- Java sources -------------------------------------------------------------------------------------

    /** This module's sources, then those of the repository modules it depends on (not test scope). */
    private static void scanSources(Path moduleDir, List<Property> found, Set<Path> scanned) {
        if (!scanned.add(moduleDir)) {
            return;
        }
        Path sources = moduleDir.resolve("src/main/java");
        if (Files.isDirectory(sources)) {
            List<JavaSource> files;
            try (Stream<Path> walk = Files.walk(sources)) {
                files = walk.filter(p -> p.toString().endsWith(".java")).sorted().map(JavaSource::read).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            found.addAll(javaProperties(files));
        }
        Path parent = moduleDir.getParent();
        for (String sibling : dependencies(moduleDir.resolve("pom.xml"), "io.stepprogress")) {
            Path dir = parent.resolve(sibling);
            if (Files.isRegularFile(dir.resolve("pom.xml"))) {
                scanSources(dir, found, scanned);
            }
        }
    }

    static List<Property> javaProperties(List<JavaSource> files) {
        Map<String, List<InterfaceDecl>> interfaces = new LinkedHashMap<>();
        for (JavaSource file : files) {
            Matcher declaration = INTERFACE.matcher(file.masked());
            while (declaration.find()) {
                int open = file.masked().indexOf('{', declaration.end());
                if (open < 0) {
                    continue;
                }
                int close = file.matching(open);
                String header = file.masked().substring(declaration.end(), open);
                List<String> supers = new ArrayList<>();
                Matcher extendsClause = Pattern.compile("\\bextends\\s+(.+)$", Pattern.DOTALL).matcher(header.trim());
                if (extendsClause.find()) {
                    for (String type : splitTopLevel(extendsClause.group(1), ',')) {
                        supers.add(simpleName(type));
                    }
                }
                interfaces.computeIfAbsent(declaration.group(1), k -> new ArrayList<>())
                        .add(new InterfaceDecl(declaration.group(1), file, open + 1, close, supers));
            }
        }

        List<Property> found = new ArrayList<>();
        for (JavaSource file : files) {
            String where = file.path().getFileName().toString();
            for (Annotation mapping : file.annotations("ConfigMapping")) {
                String prefix = mapping.stringAttribute("prefix").orElse("");
                String naming = mapping.attribute("namingStrategy").map(ServiceConfiguration::simpleName).orElse("KEBAB_CASE");
                Matcher target = INTERFACE.matcher(file.masked());
                if (!target.find(mapping.end())) {
                    continue;
                }
                InterfaceDecl root = lookup(interfaces, target.group(1), file);
                Set<String> names = new LinkedHashSet<>();
                if (root != null) {
                    collect(root, prefix, naming, interfaces, names, 0);
                }
                String source = "@ConfigMapping(prefix = \"" + prefix + "\") in " + where;
                names.forEach(name -> found.add(new Property(name, source)));
            }
            for (Annotation property : file.annotations("ConfigProperty")) {
                property.stringAttribute("name").ifPresent(name ->
                        found.add(new Property(name, "@ConfigProperty in " + where)));
            }
            Matcher getValue = GET_VALUE.matcher(file.text());
            while (getValue.find()) {
                if (file.isCode(getValue.start())) {
                    found.add(new Property(getValue.group(1), "Config.getValue in " + where));
                }
            }
            for (String literal : file.literals()) {
                Matcher expression = EXPRESSION.matcher(literal);
                while (expression.find()) {
                    found.add(new Property(expression.group(1), "${...} in " + where));
                }
            }
        }
        return found;
    }

    private static void collect(InterfaceDecl decl, String prefix, String naming,
                                Map<String, List<InterfaceDecl>> interfaces, Set<String> names, int depth) {
        if (depth > 16) {
            throw new IllegalStateException("config mapping groups nest deeper than 16 at " + prefix);
        }
        for (String parent : decl.supers()) {
            InterfaceDecl inherited = lookup(interfaces, parent, decl.file());
            if (inherited != null) {
                collect(inherited, prefix, naming, interfaces, names, depth + 1);
            }
        }
        for (Member member : decl.members()) {
            String path;
            if (member.annotation("WithParentName").isPresent()) {
                path = prefix;
            } else {
                String key = member.annotation("WithName").flatMap(a -> a.stringAttribute("value"))
                        .orElseGet(() -> rename(member.name(), naming));
                path = prefix.isEmpty() ? key : prefix + "." + key;
            }
            String type = unwrapOptional(member.type().replaceAll("\\s+", ""));
            Matcher collection = Pattern.compile("^(?:java\\.util\\.)?(?:List|Set|SortedSet|Collection)<(.+)>$").matcher(type);
            Matcher map = Pattern.compile("^(?:java\\.util\\.)?(?:Map|SortedMap)<(.+)>$").matcher(type);
            if (collection.matches()) {
                InterfaceDecl group = lookup(interfaces, simpleName(unwrapOptional(collection.group(1))), decl.file());
                if (group != null) {
                    collect(group, path + "[*]", naming, interfaces, names, depth + 1);
                } else {
                    names.add(path);
                    names.add(path + "[*]");
                }
            } else if (map.matches()) {
                List<String> arguments = splitTopLevel(map.group(1), ',');
                String value = arguments.get(arguments.size() - 1);
                InterfaceDecl group = lookup(interfaces, simpleName(unwrapOptional(value)), decl.file());
                if (group != null) {
                    collect(group, path + ".*", naming, interfaces, names, depth + 1);
                } else {
                    names.add(path + ".*");
                }
            } else {
                InterfaceDecl group = type.endsWith("[]") ? null : lookup(interfaces, simpleName(type), decl.file());
                if (group != null) {
                    collect(group, path, naming, interfaces, names, depth + 1);
                } else {
                    names.add(path);
                }
            }
        }
    }

    /** The interface of that simple name, preferring the one declared in the same file. */
    private static InterfaceDecl lookup(Map<String, List<InterfaceDecl>> interfaces, String name, JavaSource file) {
        List<InterfaceDecl> candidates = interfaces.get(name);
        if (candidates == null) {
            return null;
        }
        return candidates.stream().filter(d -> d.file() == file).findFirst().orElse(candidates.get(0));
    }

    private static String unwrapOptional(String type) {
        Matcher optional = Pattern.compile("^(?:java\\.util\\.)?Optional<(.+)>$").matcher(type);
        return optional.matches() ? optional.group(1) : type;
    }

    private static String simpleName(String type) {
        String raw = type.trim();
        int generic = raw.indexOf('<');
        if (generic >= 0) {
            raw = raw.substring(0, generic);
        }
        return raw.substring(raw.lastIndexOf('.') + 1).trim();
    }

    /** SmallRye's naming strategies; KEBAB_CASE is the default ({@code maxBatchSize} to {@code max-batch-size}). */
    static String rename(String method, String strategy) {
        if ("VERBATIM".equals(strategy)) {
            return method;
        }
        char separator = "SNAKE_CASE".equals(strategy) ? '_' : '-';
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                char previous = method.charAt(i - 1);
                boolean nextIsLower = i + 1 < method.length() && Character.isLowerCase(method.charAt(i + 1));
                if (!Character.isUpperCase(previous) || nextIsLower) {
                    name.append(separator);
                }
            }
            name.append(Character.toLowerCase(c));
        }
        return name.toString();
    }

    static List<String> splitTopLevel(String text, char separator) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '<' || c == '(') {
                depth++;
            } else if (c == '>' || c == ')') {
                depth--;
            } else if (c == separator && depth == 0) {
                parts.add(text.substring(start, i).trim());
                start = i + 1;
            }
        }
        parts.add(text.substring(start).trim());
        return parts;
    }

    // --- pom.xml ------------------------------------------------------------------------------------------

    /** artifactIds of the pom's direct dependencies outside test scope (of one groupId, when given). */
    static Set<String> dependencies(Path pom, String groupId) {
        Set<String> artifacts = new LinkedHashSet<>();
        if (!Files.isRegularFile(pom)) {
            return artifacts;
        }
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Element project = factory.newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
            for (Element dependencies : children(project, "dependencies")) {
                for (Element dependency : children(dependencies, "dependency")) {
                    String scope = text(dependency, "scope");
                    if ("test".equals(scope) || (groupId != null && !groupId.equals(text(dependency, "groupId")))) {
                        continue;
                    }
                    artifacts.add(text(dependency, "artifactId"));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + pom, e);
        }
        return artifacts;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> result = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && name.equals(element.getTagName())) {
                result.add(element);
            }
        }
        return result;
    }

    private static String text(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0).getTextContent().trim();
    }

    // --- a Java source, with comments and literal contents masked -----------------------------------------

    /**
     * A source file and a masked copy of the same length: comments blanked, the contents of string, char and
     * text-block literals blanked (quotes kept), so braces, parentheses and annotations in the masked copy are
     * code. Offsets are shared, so literal values are read from {@link #text()}.
     */
    record JavaSource(Path path, String text, String masked, BitSet code, List<String> literals) {

        static JavaSource read(Path path) {
            try {
                return of(path, Files.readString(path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static JavaSource of(Path path, String text) {
            char[] masked = text.toCharArray();
            BitSet code = new BitSet(text.length());
            List<String> literals = new ArrayList<>();
            int i = 0;
            int n = text.length();
            while (i < n) {
                if (text.startsWith("//", i)) {
                    while (i < n && text.charAt(i) != '\n') {
                        masked[i++] = ' ';
                    }
                } else if (text.startsWith("/*", i)) {
                    int end = text.indexOf("*/", i + 2);
                    end = end < 0 ? n : end + 2;
                    for (; i < end; i++) {
                        masked[i] = text.charAt(i) == '\n' ? '\n' : ' ';
                    }
                } else if (text.startsWith("\"\"\"", i)) {
                    int end = i + 3;
                    while (end < n && !text.startsWith("\"\"\"", end)) {
                        end += text.charAt(end) == '\\' ? 2 : 1;
                    }
                    code.set(i, i + 3);
                    literals.add(text.substring(i + 3, Math.min(end, n)));
                    for (int j = i + 3; j < Math.min(end, n); j++) {
                        masked[j] = text.charAt(j) == '\n' ? '\n' : ' ';
                    }
                    code.set(Math.min(end, n), Math.min(end + 3, n));
                    i = Math.min(end + 3, n);
                } else if (text.charAt(i) == '"' || text.charAt(i) == '\'') {
                    char quote = text.charAt(i);
                    code.set(i);
                    int j = i + 1;
                    while (j < n && text.charAt(j) != quote && text.charAt(j) != '\n') {
                        int step = text.charAt(j) == '\\' ? 2 : 1;
                        for (int k = j; k < Math.min(j + step, n); k++) {
                            masked[k] = ' ';
                        }
                        j += step;
                    }
                    if (j < n) {
                        code.set(j);
                    }
                    if (quote == '"') {
                        literals.add(text.substring(i + 1, Math.min(j, n)));
                    }
                    i = j + 1;
                } else {
                    code.set(i);
                    i++;
                }
            }
            return new JavaSource(path, text, new String(masked), code, List.copyOf(literals));
        }

        /** True when the offset is code (not a comment, not inside a literal; a literal's opening quote is code). */
        boolean isCode(int offset) {
            return code.get(offset);
        }

        /** The offset of the brace closing the one at {@code open}. */
        int matching(int open) {
            int depth = 0;
            for (int i = open; i < masked.length(); i++) {
                char c = masked.charAt(i);
                if (c == '{') {
                    depth++;
                } else if (c == '}' && --depth == 0) {
                    return i;
                }
            }
            throw new IllegalStateException("unbalanced braces in " + path);
        }

        /** Every {@code @simpleName(...)} (or {@code @a.b.simpleName(...)}) in code. */
        List<Annotation> annotations(String simpleName) {
            List<Annotation> found = new ArrayList<>();
            Matcher at = Pattern.compile("@(?:[\\w]+\\.)*" + simpleName + "\\b").matcher(masked);
            while (at.find()) {
                found.add(Annotation.at(this, at.start(), at.end()));
            }
            return found;
        }
    }

    /** An annotation occurrence; attribute values are read from the original text. */
    record Annotation(String name, String arguments, int end) {

        static Annotation at(JavaSource file, int start, int nameEnd) {
            String masked = file.masked();
            String name = masked.substring(start + 1, nameEnd).replaceAll(".*\\.", "");
            int i = nameEnd;
            while (i < masked.length() && Character.isWhitespace(masked.charAt(i))) {
                i++;
            }
            if (i >= masked.length() || masked.charAt(i) != '(') {
                return new Annotation(name, "", nameEnd);
            }
            int depth = 0;
            for (int j = i; j < masked.length(); j++) {
                char c = masked.charAt(j);
                if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth == 0) {
                    return new Annotation(name, file.text().substring(i + 1, j), j + 1);
                }
            }
            throw new IllegalStateException("unbalanced parentheses after @" + name + " in " + file.path());
        }

        /** A string attribute; a lone string argument is {@code value}. */
        Optional<String> stringAttribute(String attribute) {
            Matcher named = Pattern.compile("\\b" + attribute + "\\s*=\\s*\"((?:\\\\.|[^\"\\\\])*)\"").matcher(arguments);
            if (named.find()) {
                return Optional.of(named.group(1));
            }
            Matcher lone = Pattern.compile("^\\s*\"((?:\\\\.|[^\"\\\\])*)\"\\s*$").matcher(arguments);
            return "value".equals(attribute) && lone.find() ? Optional.of(lone.group(1)) : Optional.empty();
        }

        /** Any attribute's raw value (up to the next top-level comma). */
        Optional<String> attribute(String attribute) {
            for (String part : splitTopLevel(arguments, ',')) {
                Matcher named = Pattern.compile("^" + attribute + "\\s*=\\s*(.+)$", Pattern.DOTALL).matcher(part);
                if (named.find()) {
                    return Optional.of(named.group(1).trim());
                }
            }
            return Optional.empty();
        }
    }

    /** An interface body [bodyStart, bodyEnd) in a file. */
    record InterfaceDecl(String name, JavaSource file, int bodyStart, int bodyEnd, List<String> supers) {

        /** The abstract no-argument methods declared directly in the body: the mapping's properties. */
        List<Member> members() {
            String masked = file.masked();
            List<Member> members = new ArrayList<>();
            int depth = 0;
            int parens = 0;
            int start = bodyStart;
            for (int i = bodyStart; i < bodyEnd; i++) {
                char c = masked.charAt(i);
                if (c == '(') {
                    parens++;
                } else if (c == ')') {
                    parens--;
                } else if (c == '{' && parens == 0) {
                    depth++;
                } else if (c == '}' && parens == 0) {
                    if (--depth == 0) {
                        start = i + 1; // a nested type or a default method body ends: not a property
                    }
                } else if (c == ';' && depth == 0 && parens == 0) {
                    Member.parse(file, start, i).ifPresent(members::add);
                    start = i + 1;
                }
            }
            return members;
        }
    }

    /** One member statement: annotations, return type, method name. */
    record Member(String name, String type, List<Annotation> annotations) {

        static Optional<Member> parse(JavaSource file, int start, int end) {
            String masked = file.masked();
            List<Annotation> annotations = new ArrayList<>();
            int i = start;
            while (true) {
                while (i < end && Character.isWhitespace(masked.charAt(i))) {
                    i++;
                }
                if (i >= end || masked.charAt(i) != '@') {
                    break;
                }
                Matcher name = Pattern.compile("@[\\w.]+").matcher(masked).region(i, end);
                if (!name.lookingAt()) {
                    break;
                }
                Annotation annotation = Annotation.at(file, i, name.end());
                annotations.add(annotation);
                i = annotation.end();
            }
            Matcher member = MEMBER.matcher(masked.substring(i, end).trim());
            if (!member.matches() || member.group(1).contains("=") || member.group(1).startsWith("static ")
                    || member.group(1).startsWith("default ")) {
                return Optional.empty();
            }
            return Optional.of(new Member(member.group(2), member.group(1).trim(), annotations));
        }

        Optional<Annotation> annotation(String simpleName) {
            return annotations.stream().filter(a -> a.name().equals(simpleName)).findFirst();
        }
    }

    @Override
    public String toString() {
        return module + " " + properties.stream().map(Property::name).toList();
    }

}
