package io.stepprogress.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * CPU and RSS of the stack's processes while a scenario runs, sampled once a second from /proc: each group is
 * found by the port it listens on (PostgreSQL with all its backends, the Kafka broker JVM, each service JVM),
 * plus the tool itself and "other" (the rest of the machine: concurrent builds show up there).
 */
public final class ProcessSampler implements AutoCloseable {

    /** A group of processes: the one listening on {@code port}, with its descendants when asked. */
    public record Group(String name, int port, boolean withDescendants, int rootPid) {
    }

    /** What a group used during the sampling. {@code cpuCores} = CPU seconds per second (2.0 = both cores). */
    public record Usage(String name, int pid, int processes, double cpuSeconds, double cpuCores,
                        double peakCpuCores, double rssMaxMiB, double rssEndMiB) {
    }

    private static final long PERIOD_MS = 1_000;

    private final List<Group> groups;
    private final long ticksPerSecond = ProcFs.clockTicksPerSecond();
    private final Map<String, Long> ticks = new LinkedHashMap<>();
    private final Map<String, Double> peakCores = new HashMap<>();
    private final Map<String, Long> rssMaxKb = new HashMap<>();
    private final Map<String, Long> rssLastKb = new HashMap<>();
    private final Map<String, Integer> processCount = new HashMap<>();
    private final Map<Integer, Long> lastPidTicks = new HashMap<>();
    /** Per-process ticks of the processes outside every group, when every process is read. */
    private final Map<Integer, Long> lastOtherTicks = new HashMap<>();
    /** The machine's busy ticks since the start: the groups' plus "other" of every sample. */
    private long busyTicks;
    private final List<double[]> cpuSeries = new ArrayList<>();
    private final long startNanos;
    private final long bootTicksAtStart;
    private ProcFs.CpuTimes machineLast;
    private long lastSampleNanos;
    private final Thread thread;
    private volatile boolean stopped;
    private long endNanos;

    private ProcessSampler(List<Group> groups) {
        this.groups = groups;
        for (Group g : groups) {
            ticks.put(g.name(), 0L);
        }
        ticks.put("other", 0L);
        this.bootTicksAtStart = uptimeTicks();
        this.machineLast = ProcFs.cpuTimes();
        this.startNanos = System.nanoTime();
        this.lastSampleNanos = startNanos;
        sample(true);
        this.thread = new Thread(this::loop, "bench-proc-sampler");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Finds the groups by port (unknown ports are left out), in one pass over /proc. */
    public static List<Group> discover(Map<String, Integer> portsByName, Set<String> withDescendants) {
        Map<Integer, Integer> owners = ListeningSockets.ownersOf(new HashSet<>(portsByName.values()));
        List<Group> groups = new ArrayList<>();
        portsByName.forEach((name, port) -> {
            Integer pid = owners.get(port);
            if (pid != null) {
                groups.add(new Group(name, port, withDescendants.contains(name), pid));
            }
        });
        groups.add(new Group("bench (this tool)", 0, false, (int) ProcessHandle.current().pid()));
        return groups;
    }

    /** Whether every group's process is still there (a restarted service gets a new pid). */
    public static boolean alive(List<Group> groups) {
        return groups.stream().allMatch(g -> ProcFs.stat(g.rootPid()) != null);
    }

    /** Starts sampling these groups. */
    public static ProcessSampler start(List<Group> groups) {
        return new ProcessSampler(groups);
    }

    public List<Group> groups() {
        return groups;
    }

    public OptionalInt pidOf(String name) {
        return groups.stream().filter(g -> g.name().equals(name)).mapToInt(Group::rootPid).findFirst();
    }

    private void loop() {
        while (!stopped) {
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
            if (!stopped) {
                synchronized (this) {
                    sample(false);
                }
            }
        }
    }

    private void sample(boolean baseline) {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastSampleNanos) / 1e9);
        Map<Integer, ProcFs.Stat> all = new HashMap<>();
        Map<Integer, List<Integer>> children = new HashMap<>();
        boolean needTree = groups.stream().anyMatch(Group::withDescendants);
        if (needTree) {
            for (int pid : ProcFs.pids()) {
                ProcFs.Stat stat = ProcFs.stat(pid);
                if (stat != null) {
                    all.put(pid, stat);
                    children.computeIfAbsent(stat.ppid(), k -> new ArrayList<>()).add(pid);
                }
            }
        }
        ProcFs.CpuTimes machine = ProcFs.cpuTimes();
        long groupDeltaSum = 0;
        double[] row = new double[groups.size() + 2];
        row[0] = (now - startNanos) / 1e9;
        int column = 1;
        Set<Integer> seen = new HashSet<>();
        for (Group group : groups) {
            List<Integer> pids = new ArrayList<>();
            collect(group.rootPid(), group.withDescendants(), children, pids);
            long delta = 0;
            long anon = 0;
            long shared = 0;
            int alive = 0;
            for (int pid : pids) {
                ProcFs.Stat stat = all.containsKey(pid) ? all.get(pid) : ProcFs.stat(pid);
                if (stat == null) {
                    continue;
                }
                alive++;
                seen.add(pid);
                Long before = lastPidTicks.get(pid);
                if (before == null) {
                    // A process born after the start counts from zero; one already running from now on.
                    before = !baseline && stat.startTime() > bootTicksAtStart ? 0L : stat.cpuTicks();
                }
                delta += Math.max(0, stat.cpuTicks() - before);
                lastPidTicks.put(pid, stat.cpuTicks());
                ProcFs.Rss rss = ProcFs.rss(pid);
                if (rss.totalKb() >= 0) {
                    anon += rss.anonKb();
                    shared = Math.max(shared, rss.sharedKb());
                }
            }
            // Private memory of every process, plus the shared part once (PostgreSQL's shared buffers appear in
            // the RSS of every backend); for a single process this is its VmRSS.
            long rss = anon + shared;
            if (!baseline) {
                ticks.merge(group.name(), delta, Long::sum);
                double cores = delta / (double) ticksPerSecond / seconds;
                peakCores.merge(group.name(), cores, Math::max);
                row[column] = cores;
            }
            column++;
            groupDeltaSum += delta;
            rssMaxKb.merge(group.name(), rss, Math::max);
            rssLastKb.put(group.name(), rss);
            processCount.merge(group.name(), alive, Math::max);
        }
        lastPidTicks.keySet().retainAll(seen);
        long otherByProcess = needTree ? ticksOutside(all, seen, lastOtherTicks, baseline ? -1 : bootTicksAtStart) : 0;
        if (!baseline) {
            // Two lower bounds, the larger taken: /proc/stat's busy time, which this VM fills by sampling at timer
            // ticks (a quiet steady read 0.55 busy cores while its processes' own times summed to 0.94), and the
            // processes' own times, which miss a process that came and went between two samples.
            long machineDelta = machine.busy() - machineLast.busy();
            long other = Math.max(0, Math.max(machineDelta - groupDeltaSum, otherByProcess));
            busyTicks += groupDeltaSum + other;
            ticks.merge("other", other, Long::sum);
            double otherCores = other / (double) ticksPerSecond / seconds;
            peakCores.merge("other", otherCores, Math::max);
            row[column] = otherCores;
            cpuSeries.add(row);
        }
        machineLast = machine;
        lastSampleNanos = now;
        endNanos = now;
    }

    private static void collect(int pid, boolean descendants, Map<Integer, List<Integer>> children, List<Integer> out) {
        out.add(pid);
        if (descendants) {
            for (int child : children.getOrDefault(pid, List.of())) {
                if (out.size() < 10_000) {
                    collect(child, true, children, out);
                }
            }
        }
    }

    /**
     * CPU ticks since the last call of every process in {@code all} outside {@code grouped}, remembered in
     * {@code last}. A process not seen before counts from zero when it started after {@code bornAfter} (ticks
     * since boot), else from now; -1 (the baseline) counts every one from now.
     */
    static long ticksOutside(Map<Integer, ProcFs.Stat> all, Set<Integer> grouped, Map<Integer, Long> last,
                             long bornAfter) {
        long delta = 0;
        for (Map.Entry<Integer, ProcFs.Stat> entry : all.entrySet()) {
            if (grouped.contains(entry.getKey())) {
                continue;
            }
            ProcFs.Stat stat = entry.getValue();
            Long before = last.get(entry.getKey());
            if (before == null) {
                before = bornAfter >= 0 && stat.startTime() > bornAfter ? 0L : stat.cpuTicks();
            }
            delta += Math.max(0, stat.cpuTicks() - before);
            last.put(entry.getKey(), stat.cpuTicks());
        }
        last.keySet().retainAll(all.keySet());
        return delta;
    }

    /** Takes a last sample and stops. */
    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        thread.interrupt();
        sample(false);
    }

    /** How long the processes were sampled, in seconds. */
    public synchronized double sampledSeconds() {
        return Math.max(1e-3, (endNanos - startNanos) / 1e9);
    }

    public synchronized List<Usage> usage() {
        double seconds = sampledSeconds();
        List<Usage> usage = new ArrayList<>();
        for (Group g : groups) {
            usage.add(usage(g.name(), g.rootPid(), seconds));
        }
        usage.add(usage("other", -1, seconds));
        return usage;
    }

    private Usage usage(String name, int pid, double seconds) {
        double cpu = ticks.getOrDefault(name, 0L) / (double) ticksPerSecond;
        return new Usage(name, pid, processCount.getOrDefault(name, 0), round(cpu), round(cpu / seconds),
                round(peakCores.getOrDefault(name, 0.0)), round(rssMaxKb.getOrDefault(name, 0L) / 1024.0),
                round(rssLastKb.getOrDefault(name, 0L) / 1024.0));
    }

    /** Whole machine: busy cores on average over the sampling (the groups and "other", see {@link #sample}). */
    public synchronized double machineBusyCores() {
        double seconds = Math.max(1e-3, (endNanos - startNanos) / 1e9);
        return round(busyTicks / (double) ticksPerSecond / seconds);
    }

    /** Per second: {t, cores of each group in {@link #groups()} order, other}. */
    public synchronized List<double[]> cpuSeries() {
        return new ArrayList<>(cpuSeries);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private long uptimeTicks() {
        try {
            String uptime = Files.readString(Path.of("/proc/uptime")).strip().split("\\s+")[0];
            return (long) (Double.parseDouble(uptime) * ticksPerSecond);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
