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

    /** A reset stack without the demo worker, in {@code target/<dataDir>}, every port free. */
    static LocalStack.Options onFreePorts(String dataDir) {
        Path root = Path.of(System.getProperty("stack.root", "../..")).toAbsolutePath().normalize();
        LocalStack.Options options = LocalStack.Options.defaults(root)
                .withDataDir(root.resolve("tooling/local-stack/target").resolve(dataDir)).withReset(true).withDemo(false)
                .withInfraPorts(freePort(), freePort());
        for (Service service : Service.values()) {
            options = options.withPort(service, freePort()).withManagementPort(service, freePort());
        }
        return options;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
