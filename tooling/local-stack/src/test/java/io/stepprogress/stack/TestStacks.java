package io.stepprogress.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.UUID;

/** What the tests that start a whole stack share: a fresh stack on free loopback ports, fresh project ids. */
final class TestStacks {

    private TestStacks() {
    }

    /** The repository's root: {@code stack.root} (the pom sets it), else two levels above this module. */
    static Path root() {
        return Path.of(System.getProperty("stack.root", "../..")).toAbsolutePath().normalize();
    }

    /** A reset stack without the demo worker, in {@code target/<dataDir>}, every port free. */
    static LocalStack.Options onFreePorts(String dataDir) {
        Path root = root();
        LocalStack.Options options = LocalStack.Options.defaults(root)
                .withDataDir(root.resolve("tooling/local-stack/target").resolve(dataDir)).withReset(true).withDemo(false)
                .withInfraPorts(freePort(), freePort());
        for (Service service : Service.values()) {
            options = options.withPort(service, freePort()).withManagementPort(service, freePort());
        }
        return options;
    }

    /** Ports already handed out in this JVM: the OS may offer a closed one again, and two options on one port
     *  make a service fail to bind (seen: Kafka and progress-service given the same port). */
    private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A free loopback port, never one this JVM handed out before. */
    static int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (GIVEN.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
