package io.stepprogress.progress.overload;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses a share of {@code POST /api/projects/{projectId}/steps/{step}/progress} with 503 and {@code Retry-After}
 * while the relay is behind or progress updates queue up ({@link ShedPolicy} per signal, the larger share wins), and
 * every one that would exceed {@code max-concurrent-updates} in flight.
 * It runs before matching, verifying the token and reading the body, on the I/O thread, so a refusal costs a fraction
 * of a write and frees the cores the accepted writes, the relay and the consumers need. Only progress updates: a newer
 * one replaces a refused one, so the view catches up with the next update that gets through, while a status change
 * is never refused for load. A worker that must not lose even its last progress value sends it again after
 * {@code Retry-After}, as the progress client does. A request without an {@code Authorization} header is not shed:
 * it gets its 401, which costs less than a refusal's bookkeeping. (Application scoped: REST filters are created while the
 * application is built, before configuration exists; the proxy creates this bean at startup instead.)
 */
@ApplicationScoped
public class ProgressUpdateShedding {

    private static final String PREFIX = "/api/projects/";
    private static final String STEPS = "/steps/";
    private static final String SUFFIX = "/progress";
    /** Set on a request once {@link #admit} has decided on it. */
    private static final String ADMITTED = ProgressUpdateShedding.class.getName() + ".admitted";

    private final RelayBacklog relay;
    private final StandingDelay writes;
    // Read from the configuration once: these run for every progress update.
    private final boolean enabled;
    private final int maxConcurrentUpdates;
    private final ShedPolicy relayPolicy;
    private final ShedPolicy writePolicy;
    private final long retryAfterSeconds;
    private final Counter shed;
    private final AtomicInteger inFlight = new AtomicInteger();

    ProgressUpdateShedding(RelayBacklog relay, OverloadConfig config, MeterRegistry registry) {
        this.relay = relay;
        this.writes = new StandingDelay(config.window(), config.windowMinEvents(), config.measuredWithin());
        this.enabled = config.enabled();
        this.maxConcurrentUpdates = config.maxConcurrentUpdates();
        this.relayPolicy = ShedPolicy.of(config.relayShedAbove(), config.relayShedAllAbove(), "relay");
        this.writePolicy = ShedPolicy.of(config.writeShedAbove(), config.writeShedAllAbove(), "write");
        this.retryAfterSeconds = Math.max(1, (config.retryAfter().toMillis() + 999) / 1000);
        this.shed = Counter.builder("progress.overload.shed")
                .description("Progress updates refused with 503 under overload (nothing written)").register(registry);
        Gauge.builder("progress.overload.shed.share", this, s -> s.share(System.nanoTime()))
                .description("Share of progress updates being refused now (0 to 1)").register(registry);
        Gauge.builder("progress.overload.relay.backlog", this, s -> seconds(s.relay.backlogNanos(System.nanoTime())))
                .description("Standing commit-to-Kafka delay (the quickest event of the last window under load)")
                .baseUnit("seconds").register(registry);
        Gauge.builder("progress.overload.updates.in.flight", inFlight, AtomicInteger::get)
                .description("Progress updates arrived and not yet answered").register(registry);
        Gauge.builder("progress.overload.write.delay", this, s -> seconds(s.writes.current(System.nanoTime())))
                .description("Standing progress-update delay, arrival to answer (the quickest of the last window "
                        + "under load)").baseUnit("seconds").register(registry);
    }

    /** Created at startup, not on the first request, so the metrics are there from the start. */
    void onStart(@Observes StartupEvent event) {
        // nothing else to do: observing creates the bean
    }

    @ServerRequestFilter(preMatching = true)
    public void shedWhenBehind(RoutingContext context) {
        if (context.get(ADMITTED) != null) {
            return; // the write path's own route took it in and handed it on: one decision per request
        }
        admit(context);
    }

    /**
     * Decides whether a request is taken in or refused (the refusal is an {@link OverloadedException}, which says why
     * and when to come back), counting it in flight until its answer is written. Once per request: called by the
     * REST filter, or first by the progress update's own route, which then answers it.
     */
    public void admit(RoutingContext context) {
        context.put(ADMITTED, Boolean.TRUE);
        if (!enabled || context.request().method() != HttpMethod.POST
                || !isProgressUpdate(context.request().path())
                || context.request().getHeader(HttpHeaders.AUTHORIZATION) == null) {
            // Without credentials the answer is 401 whatever the load, and it costs no signature check.
            return;
        }
        long arrived = System.nanoTime();
        double share = share(arrived);
        if (share > 0 && ThreadLocalRandom.current().nextDouble() < share) {
            refuse();
        }
        if (inFlight.incrementAndGet() > maxConcurrentUpdates) {
            inFlight.decrementAndGet();
            refuse();
        }
        // Runs once, when the answer is written or the connection is gone, whatever happened in between.
        context.addEndHandler(ended -> {
            inFlight.decrementAndGet();
            long now = System.nanoTime();
            writes.record(now - arrived, now);
        });
    }

    private void refuse() {
        shed.increment();
        throw new OverloadedException(retryAfterSeconds);
    }

    /** {@code /api/projects/{projectId}/steps/{step}/progress}, without a regular expression per request. */
    static boolean isProgressUpdate(String path) {
        if (path == null || !path.startsWith(PREFIX) || !path.endsWith(SUFFIX)) {
            return false;
        }
        int steps = path.indexOf(STEPS, PREFIX.length());
        return steps > PREFIX.length() && steps + STEPS.length() < path.length() - SUFFIX.length();
    }

    private double share(long nowNanos) {
        return Math.max(relayPolicy.share(relay.backlogNanos(nowNanos)), writePolicy.share(writes.current(nowNanos)));
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
