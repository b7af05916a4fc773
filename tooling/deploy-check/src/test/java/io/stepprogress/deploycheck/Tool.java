package io.stepprogress.deploycheck;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A command-line tool of the machine (promtool, amtool, sh), run with a timeout; its output and exit code. */
final class Tool {

    private static final long TIMEOUT_SECONDS = 60;

    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private final String name;
    private final String install;

    private Tool(String name, String install) {
        this.name = name;
        this.install = install;
    }

    /** Debian's prometheus package provides /usr/bin/promtool; -Dpromtool=/path overrides. */
    static Tool promtool() {
        return new Tool(System.getProperty("promtool", "promtool"),
                "DEBIAN_FRONTEND=noninteractive apt-get install -y prometheus, or -Dpromtool=/path/to/promtool");
    }

    /** Debian's prometheus-alertmanager package provides /usr/bin/amtool; -Damtool=/path overrides. */
    static Tool amtool() {
        return new Tool(System.getProperty("amtool", "amtool"),
                "DEBIAN_FRONTEND=noninteractive apt-get install -y prometheus-alertmanager, or -Damtool=/path/to/amtool");
    }

    static Tool sh() {
        return new Tool("sh", "a POSIX shell");
    }

    Path executable() {
        if (name.contains(File.separator)) {
            if (Files.isExecutable(Path.of(name))) {
                return Path.of(name);
            }
        } else {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path candidate = Path.of(dir, name);
                if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new AssertionError(name + " not found" + (name.contains(File.separator) ? "" : " on the PATH")
                + ": the checks of deploy/ need it. Install it: " + install + ".");
    }

    Result run(String... args) {
        return run(Map.of(), args);
    }

    Result run(Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable().toString());
        command.addAll(List.of(args));
        Path output = null;
        try {
            output = Files.createTempFile("tool", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(name + " did not finish within " + TIMEOUT_SECONDS + "s: " + command);
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
