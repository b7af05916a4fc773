package io.stepprogress.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reading Linux's /proc: the parsers are pure (unit-tested), the readers answer null for a process gone. */
public final class ProcFs {

    private static final Path PROC = Path.of("/proc");

    private ProcFs() {
    }

    /**
     * The fields of {@code /proc/<pid>/stat} the tool uses. CPU times are in clock ticks
     * ({@link #clockTicksPerSecond()}), RSS in pages.
     */
    public record Stat(int pid, String comm, char state, int ppid, long utime, long stime, long startTime,
                       long rssPages) {

        public long cpuTicks() {
            return utime + stime;
        }
    }

    /** The machine's CPU counters from the first line of {@code /proc/stat}, in clock ticks. */
    public record CpuTimes(long busy, long idle) {

        public long total() {
            return busy + idle;
        }
    }

    /**
     * Parses one {@code /proc/<pid>/stat} line. The command name is in parentheses and may itself hold spaces
     * and parentheses, so the fields after it are counted from the last ')'.
     */
    public static Stat parseStat(String line) {
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + line);
        }
        int pid = Integer.parseInt(line.substring(0, open).strip());
        String comm = line.substring(open + 1, close);
        String[] f = line.substring(close + 1).strip().split("\\s+");
        // f[0] is field 3 (state); field n is f[n - 3].
        if (f.length < 22) {
            throw new IllegalArgumentException("too few fields in /proc/<pid>/stat: " + line);
        }
        return new Stat(pid, comm, f[0].charAt(0), Integer.parseInt(f[1]), Long.parseLong(f[11]),
                Long.parseLong(f[12]), Long.parseLong(f[19]), Long.parseLong(f[21]));
    }

    /**
     * The resident set of a {@code /proc/<pid>/status} text, in kB: {@code VmRSS}, and its parts
     * {@code RssAnon} (private to the process) and {@code RssFile + RssShmem} (shareable: PostgreSQL's shared
     * buffers are counted again in every backend that touched them). -1 when absent (a kernel thread, a zombie).
     */
    public record Rss(long totalKb, long anonKb, long sharedKb) {
    }

    public static Rss parseRss(String status) {
        long total = -1;
        long anon = -1;
        long file = 0;
        long shmem = 0;
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                total = kb(line, 6);
            } else if (line.startsWith("RssAnon:")) {
                anon = kb(line, 8);
            } else if (line.startsWith("RssFile:")) {
                file = kb(line, 8);
            } else if (line.startsWith("RssShmem:")) {
                shmem = kb(line, 9);
            }
        }
        if (total < 0) {
            return new Rss(-1, -1, -1);
        }
        return anon < 0 ? new Rss(total, total, 0) : new Rss(total, anon, file + shmem);
    }

    private static long kb(String line, int from) {
        return Long.parseLong(line.substring(from).strip().split("\\s+")[0]);
    }

    /** The aggregate "cpu" line of {@code /proc/stat}: idle = idle + iowait, busy = everything else but guest. */
    public static CpuTimes parseCpuTimes(String procStat) {
        for (String line : procStat.split("\n")) {
            if (line.startsWith("cpu ")) {
                String[] f = line.substring(4).strip().split("\\s+");
                long[] v = new long[Math.min(f.length, 8)];
                for (int i = 0; i < v.length; i++) {
                    v[i] = Long.parseLong(f[i]);
                }
                // user nice system idle iowait irq softirq steal (guest is already counted in user)
                long idle = v[3] + (v.length > 4 ? v[4] : 0);
                long busy = v[0] + v[1] + v[2] + (v.length > 5 ? v[5] : 0) + (v.length > 6 ? v[6] : 0)
                        + (v.length > 7 ? v[7] : 0);
                return new CpuTimes(busy, idle);
            }
        }
        throw new IllegalArgumentException("no aggregate cpu line in /proc/stat");
    }

    /** The three load averages of {@code /proc/loadavg}. */
    public static double[] parseLoadAverage(String loadavg) {
        String[] f = loadavg.strip().split("\\s+");
        return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
    }

    /** {@code /proc/<pid>/cmdline}: NUL-separated arguments, joined by spaces. */
    public static String parseCmdline(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        while (text.endsWith("\0")) {
            text = text.substring(0, text.length() - 1);
        }
        return text.replace('\0', ' ');
    }

    // --- readers ----------------------------------------------------------------------------------------

    public static List<Integer> pids() {
        List<Integer> pids = new ArrayList<>();
        try (var dirs = Files.newDirectoryStream(PROC)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    pids.add(Integer.parseInt(name));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc (the tool needs Linux)", e);
        }
        return pids;
    }

    public static Stat stat(int pid) {
        try {
            return parseStat(Files.readString(PROC.resolve(pid + "/stat")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    public static Rss rss(int pid) {
        try {
            return parseRss(Files.readString(PROC.resolve(pid + "/status")));
        } catch (IOException | RuntimeException e) {
            return new Rss(-1, -1, -1);
        }
    }

    public static String cmdline(int pid) {
        try {
            return parseCmdline(Files.readAllBytes(PROC.resolve(pid + "/cmdline")));
        } catch (IOException e) {
            return null;
        }
    }

    public static CpuTimes cpuTimes() {
        try {
            return parseCpuTimes(Files.readString(PROC.resolve("stat")));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/stat", e);
        }
    }

    public static double[] loadAverage() {
        try {
            return parseLoadAverage(Files.readString(PROC.resolve("loadavg")));
        } catch (IOException e) {
            return new double[] {-1, -1, -1};
        }
    }

    /** USER_HZ: 100 on every Linux the tool meets; {@code getconf CLK_TCK} confirms it once. */
    public static long clockTicksPerSecond() {
        return ClockTicks.VALUE;
    }

    private static final class ClockTicks {
        static final long VALUE = read();

        private static long read() {
            try {
                Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
                String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
                getconf.waitFor();
                long ticks = Long.parseLong(out);
                return ticks > 0 ? ticks : 100;
            } catch (IOException | RuntimeException e) {
                return 100;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 100;
            }
        }
    }
}
