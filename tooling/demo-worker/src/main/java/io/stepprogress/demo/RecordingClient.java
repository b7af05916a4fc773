package io.stepprogress.demo;

import io.stepprogress.client.PlannedStep;
import io.stepprogress.client.ProgressClient;
import io.stepprogress.client.SubscriberToken;
import io.stepprogress.event.InitializationView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A client that keeps every view progress-service answers, per project, in order: what {@link EtaMeasurement} reads. */
final class RecordingClient implements ProgressClient {

    private final ProgressClient delegate;
    private final Map<String, List<InitializationView>> views = new ConcurrentHashMap<>();

    RecordingClient(ProgressClient delegate) {
        this.delegate = delegate;
    }

    /** The views of {@code projectId}'s calls so far, in order. */
    List<InitializationView> views(String projectId) {
        return List.copyOf(views.getOrDefault(projectId, List.of()));
    }

    private InitializationView keep(InitializationView view) {
        views.computeIfAbsent(view.projectId(), p -> new ArrayList<>()).add(view);
        return view;
    }

    @Override
    public InitializationView start(String projectId) {
        return keep(delegate.start(projectId));
    }

    @Override
    public InitializationView start(String projectId, List<PlannedStep> steps) {
        return keep(delegate.start(projectId, steps));
    }

    @Override
    public InitializationView startRun(String projectId, int run, List<PlannedStep> steps) {
        return keep(delegate.startRun(projectId, run, steps));
    }

    @Override
    public InitializationView startRun(String projectId, int run) {
        return keep(delegate.startRun(projectId, run));
    }

    @Override
    public InitializationView reportProgress(String projectId, String step, int progress, String message) {
        return keep(delegate.reportProgress(projectId, step, progress, message));
    }

    @Override
    public InitializationView complete(String projectId, String step, String message) {
        return keep(delegate.complete(projectId, step, message));
    }

    @Override
    public InitializationView fail(String projectId, String step, String reason) {
        return keep(delegate.fail(projectId, step, reason));
    }

    @Override
    public InitializationView cancel(String projectId, String reason) {
        return keep(delegate.cancel(projectId, reason));
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
