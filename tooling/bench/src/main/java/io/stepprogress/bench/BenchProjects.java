package io.stepprogress.bench;

import io.stepprogress.event.InitializationView;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The projects a scenario drives ({@code prefix-0 .. prefix-(P-1)}) and, per project, when each sequence
 * was due and sent: the writer stores it before it sends, the SSE reader looks it up when the frame with that
 * id arrives. A ring of {@link #RING} sequences per project: a frame later than that many updates of its
 * project is counted as unmatched instead of measured.
 */
public final class BenchProjects {

    static final int RING = 8_192;
    private static final int MASK = RING - 1;

    /** One project: its id, index, the updates sent in this run and the last sequence the service answered. */
    public static final class Project {
        final String id;
        final int index;
        long updates;
        volatile long lastSequence;
        volatile List<String> steps = List.of();
        /** The highest sequence the writer knows was committed. */
        final AtomicLong lastWritten = new AtomicLong();
        /** The last view an answer carried (the project's final view once the load ends). */
        volatile InitializationView lastView;
        volatile String lastStatuses;
        /** Sequences of the answered updates that changed a status (a step or the run); see {@link #statuses}. */
        private long[] statusChanges = new long[16];
        private int statusChangeCount;

        /** Remembers the view an answer carried, and its sequence when it changed a status. */
        synchronized void answered(InitializationView view) {
            String statuses = statuses(view);
            if (lastStatuses != null && !statuses.equals(lastStatuses)) {
                if (statusChangeCount == statusChanges.length) {
                    statusChanges = java.util.Arrays.copyOf(statusChanges, statusChangeCount * 2);
                }
                statusChanges[statusChangeCount++] = view.sequence();
            }
            lastStatuses = statuses;
            lastView = view;
        }

        /** The start of a run: its view, whose statuses the next answers are compared with. */
        synchronized void started(InitializationView view) {
            statusChangeCount = 0;
            lastStatuses = statuses(view);
            lastView = view;
        }

        synchronized long[] statusChanges() {
            return java.util.Arrays.copyOf(statusChanges, statusChangeCount);
        }

        Project(String id, int index) {
            this.id = id;
            this.index = index;
        }

        public String id() {
            return id;
        }

        public int index() {
            return index;
        }

        public long lastWritten() {
            return lastWritten.get();
        }
    }

    private final Project[] projects;
    private final AtomicLongArray tags;
    private final long[] due;
    private final long[] sent;
    private final long[] answered;

    public BenchProjects(String prefix, int count) {
        projects = new Project[count];
        for (int i = 0; i < count; i++) {
            projects[i] = new Project(prefix + "-" + i, i);
        }
        tags = new AtomicLongArray(count * RING);
        due = new long[count * RING];
        sent = new long[count * RING];
        answered = new long[count * RING];
    }

    public int size() {
        return projects.length;
    }

    public Project get(int index) {
        return projects[index];
    }

    public Project[] all() {
        return projects.clone();
    }

    /** The projects worker {@code worker} of {@code workers} owns: index mod workers == worker. */
    public Project[] ownedBy(int worker, int workers) {
        int n = 0;
        for (int i = worker; i < projects.length; i += workers) {
            n++;
        }
        Project[] owned = new Project[n];
        for (int i = worker, k = 0; i < projects.length; i += workers, k++) {
            owned[k] = projects[i];
        }
        return owned;
    }

    /** Remembers when the update that will get {@code sequence} was due and sent. */
    public void expect(int project, long sequence, long dueNanos, long sentNanos) {
        int slot = project * RING + (int) (sequence & MASK);
        due[slot] = dueNanos;
        sent[slot] = sentNanos;
        answered[slot] = 0;
        tags.setRelease(slot, sequence);
    }

    /** Remembers when the answer (200) for this sequence arrived. */
    public void answered(int project, long sequence, long answeredNanos) {
        int slot = project * RING + (int) (sequence & MASK);
        if (tags.getAcquire(slot) == sequence) {
            answered[slot] = answeredNanos;
        }
    }

    /**
     * When the answer for this sequence arrived; 0 when its frame came first (the writer had not yet read
     * its 200), {@link Long#MIN_VALUE} when unknown.
     */
    public long answeredOf(int project, long sequence) {
        int slot = project * RING + (int) (sequence & MASK);
        return tags.getAcquire(slot) == sequence ? answered[slot] : Long.MIN_VALUE;
    }

    /** When the update with this sequence was due, or {@link Long#MIN_VALUE} when unknown (or overwritten). */
    public long dueOf(int project, long sequence) {
        int slot = project * RING + (int) (sequence & MASK);
        return tags.getAcquire(slot) == sequence ? due[slot] : Long.MIN_VALUE;
    }

    /** When it was actually sent; {@link Long#MIN_VALUE} when unknown. */
    public long sentOf(int project, long sequence) {
        int slot = project * RING + (int) (sequence & MASK);
        return tags.getAcquire(slot) == sequence ? sent[slot] : Long.MIN_VALUE;
    }

    /**
     * The n-th update (0-based) of a run over a plan of {@code steps} steps: each step goes 1..100 in turn
     * (reaching 100 leaves it running, never completes it, so the stream never ends); after that the last
     * step stays at 100 and only the message changes. Progress never goes down and the message always
     * changes, so every update is a change with an event.
     */
    public static Update update(long n, List<String> steps) {
        int count = steps.size();
        int step = (int) Math.min(n / 100, count - 1);
        int progress = n < 100L * count ? (int) (n % 100) + 1 : 100;
        return new Update(steps.get(step), progress, "bench update " + n);
    }

    /**
     * The {@code overload} scenario's updates, which change statuses as well: on each step but the last in
     * turn, {@code progressPerStep} progress updates up to 100 (the first starts the step), then its
     * completion; on the last step progress up to 100, then only the message changes. The run never ends
     * during the load (a finished run ends its streams): {@link EndToEndLoad} fails the current step after it.
     */
    public static Update updateWithStatusChanges(long n, List<String> steps, int progressPerStep) {
        int perStep = progressPerStep + 1;
        long onEarlierSteps = (long) (steps.size() - 1) * perStep;
        if (n >= onEarlierSteps) {
            long k = n - onEarlierSteps;
            int progress = k < progressPerStep ? (int) ((k + 1) * 100 / progressPerStep) : 100;
            return new Update(Action.PROGRESS, steps.get(steps.size() - 1), progress, "bench update " + n);
        }
        String step = steps.get((int) (n / perStep));
        int k = (int) (n % perStep);
        if (k == progressPerStep) {
            return new Update(Action.COMPLETE, step, 100, "bench update " + n);
        }
        return new Update(Action.PROGRESS, step, (k + 1) * 100 / progressPerStep, "bench update " + n);
    }

    /**
     * Progress updates per step so that {@code updates} updates of one project fill its run of {@code steps} steps
     * and no more: status changes all along the load, and no trailing repeats of 100 (a repeat is answered but
     * writes no event). At most 100 per step: progress is a whole percentage that must rise with each update.
     */
    public static int progressPerStep(long updates, int steps) {
        long perStep = (updates + steps - 1) / Math.max(1, steps);
        return (int) Math.max(1, Math.min(100, perStep - 1));
    }

    /** The most updates one run of {@code steps} steps carries with every update writing an event. */
    public static long updatesPerRun(int steps) {
        return (long) steps * 101 - 1;
    }

    /**
     * What decides a status change: the run's number and status and every step's status. Progress and
     * messages are left out, so merging progress events (conflation) never hides a difference here.
     */
    public static String statuses(InitializationView view) {
        StringBuilder key = new StringBuilder().append(view.run()).append(':').append(view.status());
        for (io.stepprogress.event.StepView step : view.steps()) {
            key.append(',').append(step.name()).append('=').append(step.status());
        }
        return key.toString();
    }

    /** What a write does: report progress or complete the step. */
    public enum Action { PROGRESS, COMPLETE }

    public record Update(Action action, String step, int progress, String message) {

        public Update(String step, int progress, String message) {
            this(Action.PROGRESS, step, progress, message);
        }
    }
}
