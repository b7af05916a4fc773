package io.stepprogress.stack;

import io.stepprogress.security.DevKeys;
import io.stepprogress.security.ProjectPatterns;
import io.stepprogress.security.SigningKey;
import io.stepprogress.security.TokenClaims;
import io.stepprogress.security.TokenIssuer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ./local-stack.sh keys ...}: keys and tokens for deployments that take them from the environment
 * (docker-compose reads {@code PROGRESS_SIGNING_KEY} and {@code PROGRESS_JWT_PUBLIC_KEYS} from {@code .env}).
 * <pre>
 *   keys generate                      prints both variables for a new key pair (append them to .env)
 *   keys rotate                        reads both from the environment, prints a new signing key and the
 *                                      trusted set with the new key added (the old one stays trusted)
 *   keys token --scope S [--projects p1,p2] [--ttl 12h] [--subject name]
 *                                      signs a token with PROGRESS_SIGNING_KEY, or with the local stack's
 *                                      development key when that variable is unset
 * </pre>
 */
public final class KeysMain {

    private static final String SIGNING_KEY = "PROGRESS_SIGNING_KEY";
    private static final String PUBLIC_KEYS = "PROGRESS_JWT_PUBLIC_KEYS";

    private KeysMain() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: keys generate | keys rotate | keys token --scope S [--projects p1,p2] [--ttl 12h] [--subject name]");
            System.exit(2);
        }
    }

    static void run(String[] args) {
        String command = args.length == 0 ? "generate" : args[0];
        switch (command) {
            case "generate" -> {
                SigningKey key = SigningKey.generate();
                System.out.println(SIGNING_KEY + "=" + key.privateJwk());
                System.out.println(PUBLIC_KEYS + "=" + key.publicJwks());
            }
            case "rotate" -> {
                String trusted = required(PUBLIC_KEYS);
                SigningKey next = SigningKey.generate();
                System.out.println(SIGNING_KEY + "=" + next.privateJwk());
                System.out.println(PUBLIC_KEYS + "=" + SigningKey.addToJwks(trusted, next));
            }
            case "token" -> System.out.println(token(Arrays.copyOfRange(args, 1, args.length)));
            default -> throw new IllegalArgumentException("unknown command " + command);
        }
    }

    private static String token(String[] args) {
        String scope = null;
        ProjectPatterns projects = ProjectPatterns.any();
        Duration ttl = Duration.ofHours(12);
        String subject = "operator-cli";
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            String value = args[i + 1];
            switch (args[i]) {
                case "--scope" -> scope = value;
                case "--projects" -> projects = ProjectPatterns.of(List.of(value.split(",")));
                case "--ttl" -> ttl = Duration.parse("PT" + value.toUpperCase(java.util.Locale.ROOT));
                case "--subject" -> subject = value;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (scope == null) {
            throw new IllegalArgumentException("--scope is required (progress:write, progress:subscribe, progress:operator)");
        }
        String inline = System.getenv(SIGNING_KEY);
        SigningKey key = inline != null && !inline.isBlank() ? SigningKey.fromJwk(inline)
                : DevKeys.loadOrCreate(Path.of("target/local-stack/keys")).signingKey();
        return new TokenIssuer(TokenClaims.DEFAULT_ISSUER, key).issue(subject, List.of(scope), projects, ttl).token();
    }

    private static String required(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(variable + " is not set: run with the current .env loaded");
        }
        return value;
    }
}
