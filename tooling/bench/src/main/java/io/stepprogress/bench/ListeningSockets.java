package io.stepprogress.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Which process listens on a TCP port, from /proc/net/tcp{,6} (the socket's inode) and /proc/<pid>/fd
 * (which process holds that inode). Finds the stack's processes by the ports they serve, so processes of
 * the same kind started by other test runs on the machine are never mistaken for them.
 */
public final class ListeningSockets {

    private static final String LISTEN = "0A";

    private ListeningSockets() {
    }

    /** The inodes of sockets in LISTEN state on {@code port}, from the text of /proc/net/tcp or tcp6. */
    public static Set<Long> listeningInodes(String procNetTcp, int port) {
        Set<Long> inodes = new HashSet<>();
        for (String line : procNetTcp.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 10 || !f[0].endsWith(":")) {
                continue; // the header, or a short line
            }
            int colon = f[1].lastIndexOf(':');
            if (colon < 0) {
                continue;
            }
            int localPort = Integer.parseInt(f[1].substring(colon + 1), 16);
            if (localPort == port && LISTEN.equals(f[3])) {
                inodes.add(Long.parseLong(f[9]));
            }
        }
        inodes.remove(0L);
        return inodes;
    }

    /** The process listening on {@code port} on this machine, if any (needs permission to read its fds). */
    public static OptionalInt ownerOf(int port) {
        Integer pid = ownersOf(Set.of(port)).get(port);
        return pid == null ? OptionalInt.empty() : OptionalInt.of(pid);
    }

    /** The processes listening on these ports, found in one pass over /proc; ports nobody listens on are left out. */
    public static Map<Integer, Integer> ownersOf(Set<Integer> ports) {
        Map<String, Integer> portByLink = new HashMap<>();
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            String text;
            try {
                text = Files.readString(Path.of(table));
            } catch (IOException e) {
                continue; // no IPv6 table, say
            }
            for (int port : ports) {
                for (long inode : listeningInodes(text, port)) {
                    portByLink.put("socket:[" + inode + "]", port);
                }
            }
        }
        Map<Integer, Integer> owners = new HashMap<>();
        if (portByLink.isEmpty()) {
            return owners;
        }
        for (int pid : ProcFs.pids()) {
            try (var fds = Files.newDirectoryStream(Path.of("/proc", Integer.toString(pid), "fd"))) {
                for (Path fd : fds) {
                    try {
                        Integer port = portByLink.get(Files.readSymbolicLink(fd).toString());
                        if (port != null) {
                            owners.putIfAbsent(port, pid);
                        }
                    } catch (IOException e) {
                        // closed meanwhile
                    }
                }
            } catch (IOException | SecurityException e) {
                // gone, or not ours to read
            }
            if (owners.size() == ports.size()) {
                break;
            }
        }
        return owners;
    }
}
