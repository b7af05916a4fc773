package io.stepprogress.notifier.readmodel;

import io.stepprogress.event.InitializationStatus;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

/**
 * The recent events of every project, for resume, in one circular byte log: each event is copied in as it is
 * applied and overwritten, oldest first, when the log comes round. A project finds its own events through a
 * chain: each record holds the position of the project's previous one.
 * <p>
 * Why one log of bytes and not each project's queue of event objects: a history lives for seconds to minutes,
 * long enough to be promoted, and then dies in the old generation. Under load that churn filled the notifier's
 * old generation at the rate events came in and cost a full collection of 320–470 ms every minute or so
 * (docs/benchmarks.md). Copied into a few long-lived arrays, the events cost the collector nothing after they
 * are applied.
 * <p>
 * Positions grow forever ({@code end} is every byte ever appended); a record is held while none of its bytes
 * has been overwritten (it starts at or after {@code start}). The log starts small and doubles while the read
 * model's budget has room ({@code mayGrow}), up to its maximum; over the budget the read model halves it, keeping
 * the newest events. Either copies the held bytes once: resizes are rare, appends never allocate. Its capacity is
 * counted into the read model's total. Thread-safe: appends (the consumer, under a stream's lock) and reads (a
 * subscriber's resume) take this object's lock, always last.
 */
final class HistoryLog {

    /** Bytes of a record besides its JSON: length, previous position, sequence, occurredAt, status, flags. */
    static final int HEADER = Integer.BYTES + 3 * Long.BYTES + Integer.BYTES + 2;
    private static final InitializationStatus[] STATUSES = InitializationStatus.values();
    private static final byte STATUS_CHANGE = 1;
    private static final byte NO_TIME = 2;

    private final int minimum;
    private final int maximum;
    private final AtomicLong total;
    private final LongPredicate mayGrow;
    private final ByteBuffer header = ByteBuffer.allocate(HEADER);
    private byte[] buffer;
    /** The oldest position whose bytes are all still here: a record before it was (partly) overwritten. */
    private long start;
    private long end;

    /**
     * @param minimum  the capacity it starts with and never goes below
     * @param maximum  the capacity it never goes above
     * @param total    the read model's byte total, which its capacity is counted into
     * @param mayGrow  whether the read model has room for this many more bytes
     */
    HistoryLog(int minimum, int maximum, AtomicLong total, LongPredicate mayGrow) {
        if (minimum < HEADER || maximum < minimum) {
            throw new IllegalArgumentException("history log capacity " + minimum + ".." + maximum);
        }
        this.minimum = minimum;
        this.maximum = maximum;
        this.total = total;
        this.mayGrow = mayGrow;
        this.buffer = new byte[minimum];
        total.addAndGet(minimum);
    }

    /**
     * Copies an event in, after the project's {@code previous} record.
     *
     * @return its position, or -1 when it is larger than the log can ever be (the project keeps no history)
     */
    synchronized long append(long previous, long sequence, Instant occurredAt, InitializationStatus status,
                             boolean statusChange, byte[] json) {
        long length = (long) HEADER + json.length;
        // It would overwrite held events (or does not fit at all): a larger log keeps them, while the budget has room.
        while (end + length - buffer.length > start && grow()) {
            // grown: look again
        }
        if (length > buffer.length) {
            return -1;
        }
        long position = end;
        header.clear();
        header.putInt((int) length).putLong(previous).putLong(sequence)
                .putLong(occurredAt == null ? 0 : occurredAt.getEpochSecond())
                .putInt(occurredAt == null ? 0 : occurredAt.getNano())
                .put((byte) status.ordinal())
                .put((byte) ((statusChange ? STATUS_CHANGE : 0) | (occurredAt == null ? NO_TIME : 0)));
        write(position, header.array(), HEADER);
        write(position + HEADER, json, json.length);
        end = position + length;
        start = Math.max(start, end - buffer.length);
        return position;
    }

    /**
     * The events of a project's chain with sequences after {@code after}, oldest first, read from its newest
     * record at {@code newest}, if all of them are still held within the project's own limits.
     *
     * @param newest   the project's newest record, whose sequence is the project's; -1 for none
     * @param count    how many events that is (sequence of {@code newest} minus {@code after})
     * @param maxBytes the project's history cap in bytes
     * @return the events, or null when any of them is no longer held or lies beyond the caps
     */
    synchronized List<StreamEvent> after(String projectId, long newest, int count, long maxBytes) {
        long[] positions = new long[count];
        long position = newest;
        long bytes = 0;
        long expected = -1;
        for (int i = count - 1; i >= 0; i--) {
            if (!held(position)) {
                return null;
            }
            ByteBuffer record = readHeader(position);
            int length = record.getInt();
            long previous = record.getLong();
            long sequence = record.getLong();
            bytes += length;
            if (bytes > maxBytes || (expected >= 0 && sequence != expected)) {
                return null;
            }
            positions[i] = position;
            expected = sequence - 1;
            position = previous;
        }
        List<StreamEvent> events = new ArrayList<>(count);
        for (long at : positions) {
            events.add(read(projectId, at));
        }
        return events;
    }

    /** How many of a chain's records are still held within {@code maxCount} and {@code maxBytes}. */
    synchronized int length(long newest, int maxCount, long maxBytes) {
        int count = 0;
        long bytes = 0;
        long position = newest;
        while (count < maxCount && held(position)) {
            ByteBuffer record = readHeader(position);
            bytes += record.getInt();
            if (bytes > maxBytes) {
                break;
            }
            count++;
            position = record.getLong();
        }
        return count;
    }

    /**
     * Halves the log, keeping its newest events, unless it is at its minimum already.
     *
     * @return whether it shrank
     */
    synchronized boolean halve() {
        int capacity = Math.max(minimum, buffer.length / 2);
        if (capacity == buffer.length) {
            return false;
        }
        resize(capacity);
        return true;
    }

    synchronized int capacity() {
        return buffer.length;
    }

    private boolean grow() {
        int capacity = (int) Math.min(maximum, 2L * buffer.length);
        if (capacity == buffer.length || !mayGrow.test(capacity - buffer.length)) {
            return false;
        }
        resize(capacity);
        return true;
    }

    private void resize(int capacity) {
        byte[] resized = new byte[capacity];
        long from = Math.max(start, end - capacity);
        for (long p = from; p < end; ) {
            int source = (int) (p % buffer.length);
            int target = (int) (p % capacity);
            int run = (int) Math.min(end - p, Math.min(buffer.length - source, capacity - target));
            System.arraycopy(buffer, source, resized, target, run);
            p += run;
        }
        total.addAndGet(capacity - buffer.length);
        buffer = resized;
        start = Math.max(start, end - capacity);
    }

    private boolean held(long position) {
        return position >= start && position < end;
    }

    private StreamEvent read(String projectId, long position) {
        ByteBuffer record = readHeader(position);
        int length = record.getInt();
        record.getLong(); // previous
        long sequence = record.getLong();
        long seconds = record.getLong();
        int nanos = record.getInt();
        InitializationStatus status = STATUSES[record.get()];
        byte flags = record.get();
        byte[] json = new byte[length - HEADER];
        copyOut(position + HEADER, json);
        Instant occurredAt = (flags & NO_TIME) != 0 ? null : Instant.ofEpochSecond(seconds, nanos);
        return StreamEvent.replayed(projectId, sequence, occurredAt, json, status, (flags & STATUS_CHANGE) != 0);
    }

    private ByteBuffer readHeader(long position) {
        header.clear();
        copyOut(position, header.array());
        return header;
    }

    private void write(long position, byte[] source, int length) {
        int at = (int) (position % buffer.length);
        int first = Math.min(length, buffer.length - at);
        System.arraycopy(source, 0, buffer, at, first);
        System.arraycopy(source, first, buffer, 0, length - first);
    }

    private void copyOut(long position, byte[] target) {
        int at = (int) (position % buffer.length);
        int first = Math.min(target.length, buffer.length - at);
        System.arraycopy(buffer, at, target, 0, first);
        System.arraycopy(buffer, 0, target, first, target.length - first);
    }
}
