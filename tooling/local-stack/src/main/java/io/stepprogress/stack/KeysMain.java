package io.stepprogress.stack;

import io.stepprogress.security.DevKeys;
import io.stepprogress.security.ProjectPatterns;
import io.stepprogress.security.Scopes;
import io.stepprogress.security.SigningKey;
import io.stepprogress.security.TokenClaims;
import io.stepprogress.security.TokenIssuer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./local-stack.sh keys ...}: keys and tokens for deployments that take them from the environment
 * (docker-compose reads {@value #AUTHORITY_PUBLIC_KEYS}, {@value #SUBSCRIBER_SIGNING_KEY} and
 * {@value #NOTIFIER_PUBLIC_KEYS} from {@code .env}). Two keys (docs/security.md): the authority key signs
 * worker and operator tokens and its private half never goes into {@code .env}; the subscriber key is the
 * one progress-service signs browser tokens with, trusted by notifier-service alone.
 * <pre>
 *   keys generate [--authority-key FILE]
 *                 writes a new authority key to FILE (default authority-signing-key.jwk, owner-only, never
 *                 overwritten) and prints the three variables for .env
 *   keys rotate authority [--authority-key FILE] | keys rotate subscriber
 *                 reads the variables from the environment, prints them with a new key added (the old one
 *                 stays trusted until you remove it from both sets); authority: the new key goes to FILE
 *   keys token --scope S [--projects p1,p2] [--ttl 12h] [--subject name] [--key FILE]
 *                 signs a token: progress:subscribe with {@value #SUBSCRIBER_SIGNING_KEY}, other scopes with
 *                 the authority key FILE ({@value #AUTHORITY_SIGNING_KEY} when set); without either, with
 *                 the local stack's development keys. --projects defaults to "*" (written explicitly).
 * </pre>
 */
public final class KeysMain {

    static final String AUTHORITY_SIGNING_KEY = "PROGRESS_AUTHORITY_SIGNING_KEY";
    static final String AUTHORITY_PUBLIC_KEYS = "PROGRESS_AUTHORITY_PUBLIC_KEYS";
    static final String SUBSCRIBER_SIGNING_KEY = "PROGRESS_SUBSCRIBER_SIGNING_KEY";
    static final String NOTIFIER_PUBLIC_KEYS = "NOTIFIER_PUBLIC_KEYS";
    private static final String DEFAULT_AUTHORITY_FILE = "authority-signing-key.jwk";
    private static final Path DEV_KEYS = Path.of("target/local-stack/keys");

    private KeysMain() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: keys generate [--authority-key FILE] | keys rotate authority|subscriber"
                    + " [--authority-key FILE] | keys token --scope S [--projects p1,p2] [--ttl 12h]"
                    + " [--subject name] [--key FILE]");
            System.exit(2);
        }
    }

    static void run(String[] args) {
        String command = args.length == 0 ? "generate" : args[0];
        switch (command) {
            case "generate" -> {
                Path file = authorityFile(options(args, 1));
                SigningKey authority = SigningKey.generate();
                SigningKey subscriber = SigningKey.generate();
                writePrivate(file, authority);
                System.err.println("authority key written to " + file + ": keep it with operators, out of .env");
                System.out.println(AUTHORITY_PUBLIC_KEYS + "=" + authority.publicJwks());
                System.out.println(SUBSCRIBER_SIGNING_KEY + "=" + subscriber.privateJwk());
                System.out.println(NOTIFIER_PUBLIC_KEYS + "=" + SigningKey.publicJwks(authority, subscriber));
            }
            case "rotate" -> rotate(Arrays.copyOfRange(args, 1, args.length));
            case "token" -> System.out.println(token(Arrays.copyOfRange(args, 1, args.length)));
            default -> throw new IllegalArgumentException("unknown command " + command);
        }
    }

    private static void rotate(String[] args) {
        String which = args.length == 0 ? "" : args[0];
        SigningKey next = SigningKey.generate();
        String notifier = SigningKey.addToJwks(required(NOTIFIER_PUBLIC_KEYS), next);
        switch (which) {
            case "authority" -> {
                String authority = SigningKey.addToJwks(required(AUTHORITY_PUBLIC_KEYS), next);
                Path file = authorityFile(options(args, 1));
                writePrivate(file, next);
                System.err.println("new authority key written to " + file);
                System.out.println(AUTHORITY_PUBLIC_KEYS + "=" + authority);
                System.out.println(NOTIFIER_PUBLIC_KEYS + "=" + notifier);
            }
            case "subscriber" -> {
                System.out.println(SUBSCRIBER_SIGNING_KEY + "=" + next.privateJwk());
                System.out.println(NOTIFIER_PUBLIC_KEYS + "=" + notifier);
            }
            default -> throw new IllegalArgumentException("rotate which key: authority or subscriber");
        }
    }

    static String token(String[] args) {
        String scope = null;
        ProjectPatterns projects = ProjectPatterns.any();
        Duration ttl = Duration.ofHours(12);
        String subject = "operator-cli";
        Path keyFile = null;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            String value = args[i + 1];
            switch (args[i]) {
                case "--scope" -> scope = value;
                case "--projects" -> projects = ProjectPatterns.of(List.of(value.split(",")));
                case "--ttl" -> ttl = Duration.parse("PT" + value.toUpperCase(Locale.ROOT));
                case "--subject" -> subject = value;
                case "--key" -> keyFile = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (scope == null) {
            throw new IllegalArgumentException("--scope is required (progress:write, progress:subscribe, progress:operator)");
        }
        return new TokenIssuer(TokenClaims.DEFAULT_ISSUER, signingKey(scope, keyFile))
                .issue(subject, List.of(scope), projects, ttl).token();
    }

    private static SigningKey signingKey(String scope, Path keyFile) {
        if (keyFile != null) {
            return SigningKey.read(keyFile);
        }
        // Each scope from the key its verifiers trust for it: a subscriber key signing a worker token would
        // make a token every service but notifier refuses.
        String variable = Scopes.SUBSCRIBE.equals(scope) ? SUBSCRIBER_SIGNING_KEY : AUTHORITY_SIGNING_KEY;
        String inline = System.getenv(variable);
        if (inline != null && !inline.isBlank()) {
            return SigningKey.fromJwk(inline);
        }
        DevKeys dev = DevKeys.loadOrCreate(DEV_KEYS);
        return Scopes.SUBSCRIBE.equals(scope) ? dev.subscriberKey() : dev.authorityKey();
    }

    private static String[] options(String[] args, int from) {
        return Arrays.copyOfRange(args, Math.min(from, args.length), args.length);
    }

    private static Path authorityFile(String[] options) {
        if (options.length == 0) {
            return Path.of(DEFAULT_AUTHORITY_FILE);
        }
        if (options.length == 2 && options[0].equals("--authority-key")) {
            return Path.of(options[1]);
        }
        throw new IllegalArgumentException("unknown options " + String.join(" ", options));
    }

    private static void writePrivate(Path file, SigningKey key) {
        if (Files.exists(file)) {
            throw new IllegalArgumentException(file + " exists: move it away (it may be the key in use) or pass"
                    + " --authority-key FILE");
        }
        try {
            Files.createFile(file);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the user's profile is private already.
            }
            Files.writeString(file, key.privateJwk());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String required(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(variable + " is not set: run with the current .env loaded");
        }
        return value;
    }
}
