package io.stepprogress.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --jfr}: a JDK Flight Recording (profile settings) of every service JVM and the broker for the measured
 * window, started and dumped with {@code jcmd}, so what limited a run (CPU, GC, locks) can be read afterwards
 * with {@code jfr print} or JDK Mission Control. Nothing is restarted; the files go to {@code <out>/jfr/}.
 */
final class FlightRecordings {

    private final List<ProcessSampler.Group> jvms = new ArrayList<>();
    private final String name;
    private final Path directory;

    private FlightRecordings(List<ProcessSampler.Group> groups, String name, Path directory) {
        for (ProcessSampler.Group g : groups) {
            if (!g.name().equals("postgresql") && !g.name().startsWith("bench")) {
                jvms.add(g);
            }
        }
        this.name = name;
        this.directory = directory;
    }

    static FlightRecordings start(List<ProcessSampler.Group> groups, String label, Path out) {
        FlightRecordings recordings = new FlightRecordings(groups, "bench-" + label, out.resolve("jfr"));
        for (ProcessSampler.Group g : recordings.jvms) {
            jcmd(g.rootPid(), "JFR.start", "name=" + recordings.name, "settings=profile");
        }
        return recordings;
    }

    /** Dumps and stops the recordings; answers the files written. */
    List<Path> stop() {
        List<Path> files = new ArrayList<>();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            BenchContext.log("cannot create %s: %s", directory, e.getMessage());
            return files;
        }
        for (ProcessSampler.Group g : jvms) {
            Path file = directory.resolve(name + "-" + g.name() + ".jfr").toAbsolutePath();
            if (jcmd(g.rootPid(), "JFR.stop", "name=" + name, "filename=" + file)) {
                files.add(file);
            }
        }
        return files;
    }

    private static boolean jcmd(int pid, String... command) {
        List<String> args = new ArrayList<>();
        args.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        args.add(Integer.toString(pid));
        args.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = p.waitFor();
            if (status != 0 || out.contains("Could not") || out.contains("Exception")) {
                BenchContext.log("jcmd %d %s: %s", pid, String.join(" ", command), out.strip());
                return false;
            }
            return true;
        } catch (IOException e) {
            BenchContext.log("jcmd not available: %s", e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
