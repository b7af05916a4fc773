package io.stepprogress.alert.consumer;

import io.opentelemetry.api.OpenTelemetry;
import io.stepprogress.alert.state.Initializations;
import io.stepprogress.alert.state.ProgressMetrics;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.ProgressTopics;
import io.stepprogress.event.trace.EventTracing;
import io.stepprogress.event.trace.TracedWork;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Feeds the state from {@link ProgressTopics#PROJECT_PROGRESS} in the consumer group {@code alert-consumer}:
 * instances share the partitions, offsets are committed once a record is applied. {@link StateRebuild} has
 * re-read each partition's history by the time its first live record arrives here.
 */
@ApplicationScoped
public class ProgressConsumer {

    /** The channel name is the topic name: code, configuration and tests share this constant. */
    public static final String CHANNEL = ProgressTopics.PROJECT_PROGRESS;

    private static final Logger LOG = Logger.getLogger(ProgressConsumer.class);

    private final Initializations state;
    private final StateRebuild rebuild;
    private final ProgressMetrics metrics;
    private final EventTracing tracing;

    ProgressConsumer(Initializations state, StateRebuild rebuild, ProgressMetrics metrics, OpenTelemetry openTelemetry) {
        this.tracing = new EventTracing(openTelemetry, ProgressConsumer.class.getName());
        this.state = state;
        this.rebuild = rebuild;
        this.metrics = metrics;
    }

    @Incoming(CHANNEL)
    public void consume(ConsumerRecord<String, byte[]> record) {
        if (!rebuild.owns(record.partition())) {
            return; // fetched before its partition was revoked: the new owner applies it
        }
        // The event's trace (docs/operations.md, "Tracing"): the state update is one span.
        try (TracedWork span = tracing.continueFrom(record, "alert update")) {
            state.apply(EventJson.read(record.value()), record.partition(), true);
        } catch (EventJson.InvalidEventException e) {
            metrics.unreadable();
            LOG.warnf("skipping unreadable record %s-%d@%d: %s", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
        } catch (RuntimeException e) {
            // JSON of the right shape with a hole the contract does not check (a null status, say): poison too.
            metrics.unreadable();
            LOG.errorf(e, "skipping record %s-%d@%d that cannot be applied", record.topic(), record.partition(),
                    record.offset());
        }
    }
}
