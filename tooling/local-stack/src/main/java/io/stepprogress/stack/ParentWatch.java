package io.stepprogress.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;

/**
 * The main class of every Java child of the launcher (the services and the demo worker): runs the real main
 * class in the same JVM and stops the JVM when its standard input, a pipe from the launcher, reaches its end.
 * <p>
 * A pipe closes however the launcher ends, {@code kill -9} included, which a shutdown hook cannot cover and
 * {@code prctl(PR_SET_PDEATHSIG)} is not reachable from Java to do. The stop is {@link System#exit}, so the
 * service's own shutdown hooks run (Quarkus stops gracefully), and is turned into a halt after
 * {@value #GRACE_MILLIS} ms so that a hanging hook cannot keep the orphan alive.
 * <p>
 * The children do not get the launcher's classpath (its libraries would clash with theirs): {@link #install}
 * copies this one class into a directory of its own, and {@link #command} puts only that directory next to the
 * child's jar. So this class uses the JDK alone, and no nested or anonymous classes.
 */
public final class ParentWatch {

    static final long GRACE_MILLIS = 20_000;
    private static final String CLASS_FILE = "ParentWatch.class";

    private ParentWatch() {
    }

    /** {@code ParentWatch <main class> [arguments]}. */
    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            System.err.println("usage: ParentWatch <main class> [arguments]");
            System.exit(2);
        }
        Thread watcher = new Thread(ParentWatch::watchStandardInput, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
        Method main = Class.forName(args[0], true, ClassLoader.getSystemClassLoader())
                .getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void watchStandardInput() {
        byte[] buffer = new byte[256];
        try (InputStream in = System.in) {
            while (in.read(buffer) >= 0) {
                // nothing is ever written: only the end of the stream means something
            }
        } catch (IOException e) {
            // a broken pipe is the same news as its end
        }
        Thread halt = new Thread(ParentWatch::haltAfterGrace, "parent-watch-halt");
        halt.setDaemon(true);
        halt.start();
        System.err.println("parent-watch: the launcher is gone (standard input closed), stopping");
        System.exit(0);
    }

    private static void haltAfterGrace() {
        try {
            Thread.sleep(GRACE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.err.println("parent-watch: shutdown hooks still running after " + GRACE_MILLIS + " ms, halting");
        Runtime.getRuntime().halt(1);
    }

    /** Copies this class under {@code dir} (as a classpath directory) and returns {@code dir}. */
    static Path install(Path dir) {
        Path file = dir.resolve(ParentWatch.class.getPackageName().replace('.', '/')).resolve(CLASS_FILE);
        try (InputStream in = ParentWatch.class.getResourceAsStream(CLASS_FILE)) {
            if (in == null) {
                throw new IllegalStateException(CLASS_FILE + " is not readable from the launcher's classpath");
            }
            Files.createDirectories(file.getParent());
            Files.write(file, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the parent watch in " + dir, e);
        }
        return dir;
    }

    /**
     * {@code java <jvm options> -cp <watch dir>:<jar> ParentWatch <the jar's Main-Class> <arguments>}: what
     * {@code java -jar <jar>} would run (the jar's manifest Class-Path is honoured on {@code -cp} too), watched.
     * The child's standard input must stay the default pipe, open until the launcher stops it.
     */
    static List<String> command(Path watchDir, Path jar, List<String> jvmOptions, List<String> arguments) {
        String mainClass;
        try (JarFile file = new JarFile(jar.toFile())) {
            mainClass = file.getManifest() == null ? null : file.getManifest().getMainAttributes().getValue("Main-Class");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
        if (mainClass == null) {
            throw new IllegalStateException(jar + " has no Main-Class in its manifest");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(watchDir + java.io.File.pathSeparator + jar);
        command.add(ParentWatch.class.getName());
        command.add(mainClass);
        command.addAll(arguments);
        return command;
    }
}
