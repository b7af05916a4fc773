package io.stepprogress.progress.overload;

import static io.stepprogress.progress.support.ProgressApi.asWorker;
import static io.stepprogress.progress.support.ProgressApi.complete;
import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.progress;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With no room for a progress update in flight, each one is refused at once; status changes are not counted. */
@QuarkusTest
@TestProfile(UpdatesInFlightCapTest.NoRoom.class)
class UpdatesInFlightCapTest {

    public static class NoRoom implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The relay is not under test here; the other test classes own the replication slot.
            return Map.of("progress.overload.enabled", "true", "progress.overload.max-concurrent-updates", "0",
                    "progress.relay.enabled", "false");
        }
    }

    @Test
    void aProgressUpdateBeyondTheCapIsShedAndAStatusChangeIsNot() {
        String project = newProjectId("cap");
        start(project, plan("a")).statusCode(201);

        progress(project, "a", 10).statusCode(503).contentType("application/problem+json").header("Retry-After", "1");
        progress(project, "a", 20).statusCode(503);

        asWorker().get("/api/projects/{p}/progress", project).then().statusCode(200)
                .body("sequence", equalTo(1)).body("steps[0].status", equalTo("pending"));
        complete(project, "a").statusCode(200).body("sequence", equalTo(2)).body("status", equalTo("completed"));
    }
}
