package io.stepprogress.client;

import io.stepprogress.event.InitializationView;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A {@link ProgressClient} that hands every call to another one: the base for a client that changes a few calls
 * (sends them another way, records them) and leaves the rest as they are. Every write's answer passes through
 * {@link #written(InitializationView)} on its way back.
 */
public abstract class ForwardingProgressClient implements ProgressClient {

    private final ProgressClient delegate;

    protected ForwardingProgressClient(ProgressClient delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The client the calls go to. */
    protected final ProgressClient delegate() {
        return delegate;
    }

    /** Sees the view a write answered (start, progress, complete, fail, cancel) before the caller does. */
    protected InitializationView written(InitializationView view) {
        return view;
    }

    @Override
    public InitializationView start(String projectId) {
        return written(delegate.start(projectId));
    }

    @Override
    public InitializationView start(String projectId, List<PlannedStep> steps) {
        return written(delegate.start(projectId, steps));
    }

    @Override
    public InitializationView startRun(String projectId, int run, List<PlannedStep> steps) {
        return written(delegate.startRun(projectId, run, steps));
    }

    @Override
    public InitializationView startRun(String projectId, int run) {
        return written(delegate.startRun(projectId, run));
    }

    @Override
    public InitializationView reportProgress(String projectId, String step, int progress, String message) {
        return written(delegate.reportProgress(projectId, step, progress, message));
    }

    @Override
    public InitializationView complete(String projectId, String step, String message) {
        return written(delegate.complete(projectId, step, message));
    }

    @Override
    public InitializationView fail(String projectId, String step, String reason) {
        return written(delegate.fail(projectId, step, reason));
    }

    @Override
    public InitializationView cancel(String projectId, String reason) {
        return written(delegate.cancel(projectId, reason));
    }

    @Override
    public InitializationView progress(String projectId) {
        return delegate.progress(projectId);
    }

    @Override
    public SubscriberToken issueSubscriberToken(String projectId, String subject, Duration ttl) {
        return delegate.issueSubscriberToken(projectId, subject, ttl);
    }
}
