package io.stepprogress.notifier.readmodel;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.notifier.NotifierConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Read models without Quarkus or Kafka, for tests that apply many events directly. */
final class ReadModels {

    private ReadModels() {
    }

    /** A read model with these limits and the defaults for the rest. */
    /** One project's stream on its own, with a history log of its own (64 KiB, not counted anywhere). */
    static ProjectStream stream(String projectId, int historySize) {
        return new ProjectStream(projectId, historySize, 1 << 20, new AtomicLong(),
                new HistoryLog(1 << 16, 1 << 16, new AtomicLong(), added -> false));
    }

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
            public Duration lateAfter() {
                return Duration.ofSeconds(1);
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
        model.apply(event, EventJson.write(event).getBytes(StandardCharsets.UTF_8));
    }

    /** Records what it receives, and which deliveries were late; thread-safe. */
    static final class RecordingSubscriber implements Subscriber {
        private final List<StreamEvent> events = new ArrayList<>();
        private final List<Boolean> late = new ArrayList<>();
        private int flushes;

        @Override
        public synchronized void deliver(StreamEvent event, boolean late) {
            events.add(event);
            this.late.add(late);
        }

        @Override
        public synchronized void flush() {
            flushes++;
        }

        synchronized List<StreamEvent> events() {
            return List.copyOf(events);
        }

        synchronized List<Boolean> late() {
            return List.copyOf(late);
        }

        synchronized int flushes() {
            return flushes;
        }

        synchronized long lastSequence() {
            return events.isEmpty() ? 0 : events.get(events.size() - 1).sequence();
        }
    }
}
