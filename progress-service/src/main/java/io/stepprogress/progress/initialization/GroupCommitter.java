package io.stepprogress.progress.initialization;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.IntConsumer;

/**
 * Group commit for the write path: one thread applies the commands that arrived while it was busy with the last
 * batch, all of them in one transaction, and answers each caller once that transaction has ended. Under no load a
 * batch is the one command that woke the thread, so nothing waits for a timer or a batch to fill; under load the
 * commands that queued behind a transaction share the next one, its row locks, its round trips and its commit
 * (one WAL flush), instead of eight transactions contending for two cores and each flushing on its own.
 * <p>
 * Each command has its own outcome: a command refused by its aggregate (409, 404) fails alone and writes nothing,
 * while the batch's other commands commit. A failure of the batch itself (the database, the replication slot)
 * fails every command in it: none of them was written.
 *
 * @param <C> a command
 * @param <R> what a command answers
 */
final class GroupCommitter<C, R> implements AutoCloseable {

    /** Applies a batch in one transaction; throws to fail the whole batch (the transaction rolled back). */
    @FunctionalInterface
    interface Batch<C, R> {
        /** @return one outcome per command, in the batch's order */
        List<Outcome<R>> apply(List<C> commands);
    }

    /** A command's answer, or why it was refused while the rest of its batch went on. */
    record Outcome<R>(R value, RuntimeException refusal) {

        static <R> Outcome<R> of(R value) {
            return new Outcome<>(value, null);
        }

        static <R> Outcome<R> refused(RuntimeException refusal) {
            return new Outcome<>(null, refusal);
        }

        /** @return the answer; @throws RuntimeException the refusal */
        R get() {
            if (refusal != null) {
                throw refusal;
            }
            return value;
        }
    }

    private record Pending<C, R>(C command, CompletableFuture<R> answer) {
    }

    private final LinkedBlockingQueue<Pending<C, R>> queue = new LinkedBlockingQueue<>();
    /** Queued by {@link #close()}: the thread stops once it has applied what was queued before it. */
    private final Pending<C, R> stop = new Pending<>(null, null);
    private final Batch<C, R> batch;
    private final int maxBatchSize;
    private final IntConsumer batchSizes;
    private final Thread thread;
    private volatile boolean closed;

    /**
     * @param maxBatchSize at most this many commands share a transaction (a bound on its locks and its length)
     * @param batchSizes   told the size of every batch applied (a metric)
     */
    GroupCommitter(String threadName, int maxBatchSize, Batch<C, R> batch, IntConsumer batchSizes) {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be 1 or more, got " + maxBatchSize);
        }
        this.batch = batch;
        this.maxBatchSize = maxBatchSize;
        this.batchSizes = batchSizes;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues the command for the next batch and returns at once: no thread waits for the transaction (the HTTP
     * resource answers from its event loop when the future completes). Once queued, a command may commit, so the
     * future always completes: with the answer once committed, or with the refusal or the batch's failure.
     *
     * @return the command's answer; completed exceptionally with its refusal, the failure of its batch, or an
     * {@link IllegalStateException} once the committer is closed
     */
    CompletableFuture<R> submit(C command) {
        Pending<C, R> pending = new Pending<>(command, new CompletableFuture<>());
        if (closed) {
            return CompletableFuture.failedFuture(closedException());
        }
        queue.add(pending);
        if (closed && queue.remove(pending)) {
            // Closed meanwhile, and no one took it: it will never be applied. One taken is answered by its batch.
            pending.answer().completeExceptionally(closedException());
        }
        return pending.answer();
    }

    /** Commands waiting for the next batch. */
    int queued() {
        return queue.size();
    }

    private void run() {
        List<Pending<C, R>> taken = new ArrayList<>(maxBatchSize);
        boolean stopping = false;
        while (!stopping) {
            try {
                taken.add(queue.take());
            } catch (InterruptedException e) {
                break;
            }
            queue.drainTo(taken, maxBatchSize - 1);
            stopping = taken.remove(stop);
            if (!taken.isEmpty()) {
                apply(taken);
            }
            taken.clear();
        }
        failQueued();
    }

    private void apply(List<Pending<C, R>> taken) {
        List<Outcome<R>> outcomes;
        try {
            outcomes = batch.apply(taken.stream().map(Pending::command).toList());
            if (outcomes.size() != taken.size()) {
                throw new IllegalStateException("a batch of " + taken.size() + " answered " + outcomes.size());
            }
        } catch (RuntimeException | Error e) {
            taken.forEach(p -> p.answer().completeExceptionally(e));
            return;
        } finally {
            batchSizes.accept(taken.size());
        }
        for (int i = 0; i < taken.size(); i++) {
            Outcome<R> outcome = outcomes.get(i);
            if (outcome.refusal() != null) {
                taken.get(i).answer().completeExceptionally(outcome.refusal());
            } else {
                taken.get(i).answer().complete(outcome.value());
            }
        }
    }

    private void failQueued() {
        Pending<C, R> pending;
        while ((pending = queue.poll()) != null) {
            if (pending != stop) {
                pending.answer().completeExceptionally(closedException());
            }
        }
    }

    private static IllegalStateException closedException() {
        return new IllegalStateException("the write path is shutting down");
    }

    /**
     * Refuses new commands, lets the thread apply what was queued before (it is not interrupted: a transaction in
     * progress ends normally), then fails whatever is left.
     */
    @Override
    public void close() {
        closed = true;
        queue.add(stop);
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failQueued();
    }
}
