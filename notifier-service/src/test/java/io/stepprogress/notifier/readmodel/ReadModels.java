package io.stepprogress.notifier.readmodel;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.notifier.NotifierConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Read models without Quarkus or Kafka, for tests that apply many events directly. */
final class ReadModels {

    private ReadModels() {
    }

    /** A read model with these limits and the defaults for the rest. */
    static ProjectReadModel create(String budget, String historyBytes, int historySize, int maxProjects,
                                   Duration idleAfter, SimpleMeterRegistry registry, Clock clock) {
        MemorySize budgetSize = new MemorySizeConverter().convert(budget);
        MemorySize historySizeBytes = new MemorySizeConverter().convert(historyBytes);
        NotifierConfig.Memory memory = new NotifierConfig.Memory() {
            @Override
            public MemorySize budget() {
                return budgetSize;
            }

            @Override
            public MemorySize historyBytes() {
                return historySizeBytes;
            }

            @Override
            public Duration idleAfter() {
                return idleAfter;
            }
        };
        NotifierConfig config = new NotifierConfig() {
            @Override
            public int historySize() {
                return historySize;
            }

            @Override
            public int maxProjects() {
                return maxProjects;
            }

            @Override
            public Memory memory() {
                return memory;
            }

            @Override
            public Duration catchUpWait() {
                throw new UnsupportedOperationException("the read model does not stream");
            }

            @Override
            public Sse sse() {
                throw new UnsupportedOperationException("the read model does not stream");
            }

            @Override
            public Source source() {
                throw new UnsupportedOperationException("the read model does not load");
            }

            @Override
            public Session session() {
                throw new UnsupportedOperationException("the read model has no sessions");
            }
        };
        return new ProjectReadModel(config, registry, clock);
    }

    static void apply(ProjectReadModel model, StepProgressUpdated event) {
        model.apply(event, EventJson.write(event));
    }

    /** Records what it receives; thread-safe. */
    static final class RecordingSubscriber implements Subscriber {
        private final List<Frame> frames = new ArrayList<>();

        @Override
        public synchronized void deliver(List<Frame> delivered) {
            frames.addAll(delivered);
        }

        synchronized List<Frame> frames() {
            return List.copyOf(frames);
        }

        synchronized long lastSequence() {
            return frames.isEmpty() ? 0 : frames.get(frames.size() - 1).sequence();
        }
    }
}
