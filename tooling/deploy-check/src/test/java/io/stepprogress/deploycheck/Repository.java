package io.stepprogress.deploycheck;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository root: the system property {@code repo.root} (set by the pom), else the first parent with docker-compose.yml. */
final class Repository {

    private static final Path ROOT = locate();

    private Repository() {
    }

    static Path root() {
        return ROOT;
    }

    static Path resolve(String relative) {
        return ROOT.resolve(relative).normalize();
    }

    private static Path locate() {
        String configured = System.getProperty("repo.root");
        if (configured != null && !configured.isBlank()) {
            Path root = Path.of(configured).toAbsolutePath().normalize();
            if (!Files.isRegularFile(root.resolve("docker-compose.yml"))) {
                throw new IllegalStateException("repo.root=" + root + " has no docker-compose.yml");
            }
            return root;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no docker-compose.yml next to mvnw above " + Path.of("").toAbsolutePath());
    }
}
