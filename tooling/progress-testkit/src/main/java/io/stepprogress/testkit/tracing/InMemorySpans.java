package io.stepprogress.testkit.tracing;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Every span a service exports in its tests, in memory: a SpanExporter bean takes the OTLP exporter's place. It is
 * wired only when the SDK is enabled ({@link TracingOn}); with the default, tracing off, it stays empty.
 */
@Dependent
public class InMemorySpans {

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
