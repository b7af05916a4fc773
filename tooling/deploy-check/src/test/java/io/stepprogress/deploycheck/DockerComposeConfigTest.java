package io.stepprogress.deploycheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * docker-compose's own validation of docker-compose.yml with the variables of .env.example:
 * {@code docker-compose --env-file .env.example -f docker-compose.yml config -q}. Needs the docker-compose
 * command (Debian's 1.29 is what CI installs), no Docker engine. Without the command the test is skipped,
 * except when the environment variable CI is set: there it fails, since CI installs it.
 */
class DockerComposeConfigTest {

    /** The executable looked up on the PATH; a system property so the "missing" branch can be exercised. */
    static final String EXECUTABLE = System.getProperty("deploy-check.docker-compose", "docker-compose");
    static final List<String> COMMAND =
            List.of(EXECUTABLE, "--env-file", ".env.example", "-f", "docker-compose.yml", "config", "-q");

    @Test
    void dockerComposeAcceptsTheFileWithEnvExample() throws IOException, InterruptedException {
        Optional<Path> dockerCompose = onPath(EXECUTABLE);
        if (dockerCompose.isEmpty()) {
            String ci = System.getenv("CI");
            if (ci != null && !ci.isBlank()) {
                fail(EXECUTABLE + " is not on the PATH, and CI=" + ci + " is set: CI must install it "
                        + "(Debian: apt-get install -y docker-compose) so that `" + String.join(" ", COMMAND)
                        + "` validates docker-compose.yml");
            }
            Assumptions.abort(EXECUTABLE + " is not on the PATH (CI unset): `" + String.join(" ", COMMAND)
                    + "` not run. Debian: apt-get install -y docker-compose");
        }

        Path output = Files.createTempFile("docker-compose-config", ".log");
        try {
            List<String> command = new java.util.ArrayList<>(COMMAND);
            command.set(0, dockerCompose.get().toString());
            Process process = new ProcessBuilder(command)
                    .directory(Repository.root().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("`" + String.join(" ", COMMAND) + "` did not finish within 120 s");
            }
            String printed = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(process.exitValue())
                    .as("`%s` (%s) in %s exited with %d:%n%s", String.join(" ", COMMAND), dockerCompose.get(),
                            Repository.root(), process.exitValue(), printed)
                    .isZero();
            if (!printed.isBlank()) {
                System.out.println(String.join(" ", COMMAND) + " printed:\n" + printed);
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static Optional<Path> onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
