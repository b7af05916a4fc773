package io.stepprogress.demo;

import io.stepprogress.client.ForwardingProgressClient;
import io.stepprogress.client.ProgressClient;
import io.stepprogress.event.InitializationView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A client that keeps every view progress-service answers a write with, per project, in order: what {@link EtaMeasurement} reads. */
final class RecordingClient extends ForwardingProgressClient {

    private final Map<String, List<InitializationView>> views = new ConcurrentHashMap<>();

    RecordingClient(ProgressClient delegate) {
        super(delegate);
    }

    /** The views of {@code projectId}'s calls so far, in order. */
    List<InitializationView> views(String projectId) {
        return List.copyOf(views.getOrDefault(projectId, List.of()));
    }

    @Override
    protected InitializationView written(InitializationView view) {
        views.computeIfAbsent(view.projectId(), p -> new ArrayList<>()).add(view);
        return view;
    }
}
