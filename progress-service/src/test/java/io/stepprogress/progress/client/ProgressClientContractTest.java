package io.stepprogress.progress.client;

import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.client.PlannedStep;
import io.stepprogress.client.ProgressClient;
import io.stepprogress.client.SubscriberToken;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.testkit.TestTokens;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker client against the real API, which refuses unknown, duplicate and trailing JSON: every
 * request the client can send is accepted, each optional field both absent and present. A field the client
 * added, renamed or sent twice would come back as a 400 here rather than be dropped in production.
 */
@QuarkusTest
class ProgressClientContractTest {

    /** Free text as workers send it: line breaks and tabs are text, not control characters. */
    private static final String MULTI_LINE = "line 1\r\nline 2\ttabbed – ünïcödé";

    @TestHTTPResource("/")
    URI base;

    private ProgressClient client;

    @BeforeEach
    void client() {
        client = ProgressClient.builder(base).bearerToken(TestTokens.worker()).retries(1, Duration.ofMillis(1),
                Duration.ofMillis(1)).build();
    }

    @Test
    void everyStepCallWithAndWithoutItsOptionalFields() {
        String project = newProjectId("client");
        client.start(project, List.of(PlannedStep.of("a", "Step a"), new PlannedStep("b", "Step b", 3)));
        client.reportProgress(project, "a", 10, null);
        InitializationView view = client.reportProgress(project, "a", 20, MULTI_LINE);
        assertThat(view.steps().get(0).message()).isEqualTo(MULTI_LINE);
        client.complete(project, "a", null);
        view = client.complete(project, "b", "done");

        assertThat(view.status()).isEqualTo(InitializationStatus.COMPLETED);
        assertThat(client.progress(project).sequence()).isEqualTo(5);
    }

    @Test
    void theDefaultPlanCancelAndFail() {
        String defaulted = newProjectId("client");
        assertThat(client.start(defaulted).steps()).isNotEmpty();
        assertThat(client.cancel(defaulted, null).status()).isEqualTo(InitializationStatus.CANCELLED);

        String cancelled = newProjectId("client");
        client.start(cancelled, List.of(PlannedStep.of("a", "A")));
        assertThat(client.cancel(cancelled, "stop").reason()).isEqualTo("stop");

        String failed = newProjectId("client");
        client.start(failed, List.of(PlannedStep.of("a", "A")));
        assertThat(client.fail(failed, "a", MULTI_LINE).reason()).isEqualTo(MULTI_LINE);
    }

    @Test
    void subscriberTokensWithAndWithoutSubjectAndLifetime() {
        String project = newProjectId("client");
        SubscriberToken defaults = client.issueSubscriberToken(project, null, null);
        SubscriberToken chosen = client.issueSubscriberToken(project, "user-1", Duration.ofSeconds(60));

        assertThat(defaults.projectId()).isEqualTo(project);
        assertThat(chosen.expiresIn()).isEqualTo(60);
    }
}
