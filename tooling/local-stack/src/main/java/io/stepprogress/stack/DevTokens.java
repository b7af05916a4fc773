package io.stepprogress.stack;

import io.stepprogress.security.ProjectPatterns;
import io.stepprogress.security.Scopes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * The credentials the local stack hands its developer: a worker token, an operator token, and a link that
 * signs the browser in for the demo projects. The link carries the subscriber token in the URL fragment,
 * which browsers never send to a server; the page exchanges it for an HttpOnly cookie and removes it.
 * Also written to {@code tokens.env} (owner-only) for scripts such as the benchmark.
 */
record DevTokens(String worker, String operator, String loginLink, Path file) {

    static DevTokens issue(LocalStack stack, Duration ttl) {
        String worker = stack.issue("local-developer", Scopes.WRITE, ProjectPatterns.any(), ttl);
        String operator = stack.issue("local-developer", Scopes.OPERATOR, ProjectPatterns.any(), ttl);
        String subscriber = stack.issue("local-developer", Scopes.SUBSCRIBE,
                ProjectPatterns.of(LocalStack.DEMO_PROJECTS), ttl);
        String link = stack.service(Service.NOTIFIER).url("/") + "#token=" + subscriber;
        Path file = stack.keys().directory().resolveSibling("tokens.env");
        write(file, "PROGRESS_TOKEN=" + worker + "\nOPERATOR_TOKEN=" + operator + "\nLOGIN_LINK=" + link + "\n");
        return new DevTokens(worker, operator, link, file);
    }

    private static void write(Path file, String content) {
        try {
            Files.deleteIfExists(file);
            Files.createFile(file);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the user's profile is private already.
            }
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
