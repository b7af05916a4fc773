package io.stepprogress.security;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Which projects a token may touch: a list of project ids in which {@code *} stands for any run of id
 * characters ({@code acme-*}, {@code *}). Every project is said explicitly, as the pattern {@code *}
 * ({@link #any()}); an empty list, like a token without the claim, means none.
 */
public final class ProjectPatterns {

    /** Id characters plus the wildcard; the same length bound as ids. */
    public static final String PATTERN_RULE = "[A-Za-z0-9._*-]{1,64}";
    private static final Pattern RULE = Pattern.compile(PATTERN_RULE);
    public static final String EVERY_PROJECT = "*";
    /**
     * Compiled patterns by their text. Every authorized request reads its token's patterns, and compiling them each
     * time was a visible part of a progress update's cost; a token's patterns are few and shared by its requests.
     * Bounded: emptied when full, so a stream of distinct claims costs compiling, never memory.
     */
    private static final Map<List<String>, ProjectPatterns> COMPILED = new ConcurrentHashMap<>();
    static final int COMPILED_LIMIT = 1_024;
    private static final ProjectPatterns ANY = of(EVERY_PROJECT);

    private final List<String> patterns;
    private final List<Pattern> compiled;

    private ProjectPatterns(List<String> patterns, List<Pattern> compiled) {
        this.patterns = patterns;
        this.compiled = compiled;
    }

    /** The pattern {@code *}: every project, and said so in the token. */
    public static ProjectPatterns any() {
        return ANY;
    }

    /** @throws IllegalArgumentException when a pattern breaks {@link #PATTERN_RULE} */
    public static ProjectPatterns of(Collection<String> patterns) {
        List<String> copy = List.copyOf(patterns);
        ProjectPatterns known = COMPILED.get(copy);
        if (known != null) {
            return known;
        }
        ProjectPatterns compiled = checkedAndCompiled(copy);
        if (COMPILED.size() >= COMPILED_LIMIT) {
            COMPILED.clear();
        }
        COMPILED.put(copy, compiled);
        return compiled;
    }

    static int compiledHeld() {
        return COMPILED.size();
    }

    private static ProjectPatterns checkedAndCompiled(List<String> copy) {
        for (String pattern : copy) {
            if (!RULE.matcher(pattern).matches()) {
                throw new IllegalArgumentException("project pattern '" + pattern + "' must match " + PATTERN_RULE);
            }
        }
        List<Pattern> compiled = copy.stream().map(ProjectPatterns::compile).toList();
        return new ProjectPatterns(copy, compiled);
    }

    public static ProjectPatterns of(String... patterns) {
        return of(List.of(patterns));
    }

    public boolean allows(String projectId) {
        for (Pattern pattern : compiled) {
            if (pattern.matcher(projectId).matches()) {
                return true;
            }
        }
        return false;
    }

    /** True when one of the patterns is {@code *}, as in {@link #any()}. */
    public boolean unrestricted() {
        return patterns.contains(EVERY_PROJECT);
    }

    /** The patterns as given; {@code [*]} for {@link #any()}. */
    public List<String> patterns() {
        return patterns;
    }

    /** The project id when the token is for exactly one project and no wildcard. */
    public Optional<String> singleProject() {
        if (patterns.size() == 1 && !patterns.get(0).contains("*")) {
            return Optional.of(patterns.get(0));
        }
        return Optional.empty();
    }

    private static Pattern compile(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String literal : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append("[A-Za-z0-9._-]*");
            }
            regex.append(Pattern.quote(literal));
        }
        return Pattern.compile(regex.toString());
    }

    @Override
    public String toString() {
        return String.join(" ", patterns);
    }
}
