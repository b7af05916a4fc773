package io.stepprogress.audit.api;

import static io.stepprogress.testkit.ApiRequests.asOperator;
import static io.stepprogress.testkit.EventPublisher.publishAll;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.audit.log.AuditLog;
import io.stepprogress.event.StepProgressUpdated;
import io.stepprogress.testkit.Events;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The API as an operator allowed every project sees it (what other tokens get: {@link AuditSecurityTest}). */
@QuarkusTest
class AuditResourceTest {

    @Inject
    AuditLog log;

    @Test
    void pagesThroughAProjectsHistoryInSequenceOrder() {
        Events.Run run = Events.plan("history-" + UUID.randomUUID().toString().substring(0, 8), "a");
        List<StepProgressUpdated> events = new ArrayList<>(List.of(run.initialized()));
        for (int p = 1; p <= 11; p++) {
            events.add(run.progress("a", p));
        }
        publishAll(events);
        await().atMost(Duration.ofSeconds(30)).until(() -> log.count(run.projectId()) == 12);

        asOperator().queryParam("limit", 5).get("/api/audit/projects/{p}/events", run.projectId()).then()
                .statusCode(200).body("events.sequence", contains(1, 2, 3, 4, 5))
                .body("nextAfterSequence", equalTo(5));
        asOperator().queryParam("afterSequence", 10).get("/api/audit/projects/{p}/events", run.projectId()).then()
                .statusCode(200).body("events.sequence", contains(11, 12)).body("nextAfterSequence", nullValue())
                .body("events[1].event.initialization.steps[0].progress", equalTo(11));
        // The test profile caps pages at 8 events.
        asOperator().queryParam("limit", 1000).get("/api/audit/projects/{p}/events", run.projectId()).then()
                .statusCode(200).body("events", hasSize(8));

        String eventId = events.get(3).eventId().toString();
        asOperator().get("/api/audit/events/{id}", eventId).then().statusCode(200)
                .body("sequence", equalTo(4)).body("event.eventId", equalTo(eventId))
                .body("event.change", equalTo("progressed"));
    }

    @Test
    void badParametersAreProblemsAndUnknownEventsAreNotFound() {
        for (String after : List.of("-1", "abc")) {
            asOperator().queryParam("afterSequence", after).get("/api/audit/projects/p/events").then().statusCode(400)
                    .contentType("application/problem+json");
        }
        for (String limit : List.of("0", "many")) {
            asOperator().queryParam("limit", limit).get("/api/audit/projects/p/events").then().statusCode(400)
                    .contentType("application/problem+json");
        }
        asOperator().get("/api/audit/projects/bad%20id/events").then().statusCode(400)
                .contentType("application/problem+json");
        asOperator().get("/api/audit/events/not-a-uuid").then().statusCode(400).contentType("application/problem+json");
        asOperator().get("/api/audit/events/{id}", UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        asOperator().get("/api/audit/projects/never-seen/events").then().statusCode(200).body("events", hasSize(0));
    }
}
