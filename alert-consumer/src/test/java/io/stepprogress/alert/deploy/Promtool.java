package io.stepprogress.alert.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus' promtool ({@code -Dpromtool=/path}, default: {@code promtool} on the PATH). CI installs it
 * with Debian's {@code prometheus} package ({@code /usr/bin/promtool}).
 */
final class Promtool {

    private static final long TIMEOUT_SECONDS = 60;

    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private Promtool() {
    }

    /** The executable; fails with what to install when there is none. */
    static Path executable() {
        String configured = System.getProperty("promtool", "promtool");
        Path direct = Path.of(configured);
        if (configured.contains(File.separator)) {
            if (Files.isExecutable(direct)) {
                return direct;
            }
        } else {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path candidate = Path.of(dir, configured);
                if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new AssertionError("promtool not found (looked for '" + configured + "'" + (configured.contains(File.separator)
                ? "" : " on the PATH") + "). The checks of deploy/prometheus and deploy/grafana need it: install "
                + "Debian's prometheus package (DEBIAN_FRONTEND=noninteractive apt-get install -y prometheus, which "
                + "provides /usr/bin/promtool) or pass -Dpromtool=/path/to/promtool.");
    }

    static Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable().toString());
        command.addAll(List.of(args));
        Path output = null;
        try {
            output = Files.createTempFile("promtool", ".out");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("promtool did not finish within " + TIMEOUT_SECONDS + "s: " + command);
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }
}
