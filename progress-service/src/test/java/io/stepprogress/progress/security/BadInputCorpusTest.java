package io.stepprogress.progress.security;

import static io.stepprogress.progress.support.ProgressApi.asWorker;
import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.progress;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.stepprogress.progress.support.NoTrace;
import io.stepprogress.testkit.BadInputCorpus;
import io.stepprogress.testkit.BadInputCorpus.BadBody;
import io.stepprogress.testkit.BadInputCorpus.BadSegment;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generated bad input against every endpoint of the API (see {@link BadInputCorpus}; the seed is printed):
 * never a 500, always a problem with the status the fault calls for, and no trace: the project's rows,
 * the number of projects and the subscriber tokens issued are unchanged, and the next event of the project
 * is a marker sent afterwards.
 */
@QuarkusTest
class BadInputCorpusTest {

    private static final int BODIES_PER_ENDPOINT = 18;
    private static final int SEGMENTS_PER_ENDPOINT = 5;
    private static final int MAX_BODY = 64 * 1024;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    MeterRegistry meters;

    /** An endpoint with a valid body (null: none) and its text fields; {projectId} and {step} are filled in. */
    record Endpoint(String name, String method, String path, String validBody, List<String> textFields) {
    }

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("start", "PUT", "/api/projects/{projectId}/initialization",
                    "{\"steps\":[{\"name\":\"a\",\"label\":\"Step a\",\"weight\":1},"
                            + "{\"name\":\"b\",\"label\":\"Step b\",\"weight\":1}]}",
                    List.of("/steps/0/label", "/steps/1/label", "/steps/0/name")),
            new Endpoint("progress", "POST", "/api/projects/{projectId}/steps/{step}/progress",
                    "{\"progress\":60,\"message\":\"halfway\"}", List.of("/message")),
            new Endpoint("complete", "POST", "/api/projects/{projectId}/steps/{step}/complete",
                    "{\"message\":\"done\"}", List.of("/message")),
            new Endpoint("fail", "POST", "/api/projects/{projectId}/steps/{step}/fail",
                    "{\"reason\":\"boom\"}", List.of("/reason")),
            new Endpoint("cancel", "POST", "/api/projects/{projectId}/initialization/cancel",
                    "{\"reason\":\"stop\"}", List.of("/reason")),
            new Endpoint("subscriber token", "POST", "/api/projects/{projectId}/subscriber-tokens",
                    "{\"subject\":\"user-1\",\"ttlSeconds\":60}", List.of("/subject")),
            new Endpoint("read progress", "GET", "/api/projects/{projectId}/progress", null, List.of()));

    /** One request: {@code body} null sends the endpoint's valid body (or none); ids replace a path segment. */
    record Case(Endpoint endpoint, String projectSegment, String stepSegment, BadBody body, Set<Integer> statuses,
                String description) {
        @Override
        public String toString() {
            return endpoint.name() + ": " + description;
        }
    }

    static Stream<Arguments> corpus() {
        Random random = new Random(BadInputCorpus.seed());
        List<Case> cases = new ArrayList<>();
        for (Endpoint endpoint : ENDPOINTS) {
            if (endpoint.validBody() != null) {
                for (BadBody body : BadInputCorpus.bodies(random, endpoint.validBody(), endpoint.textFields(),
                        BODIES_PER_ENDPOINT, MAX_BODY)) {
                    cases.add(new Case(endpoint, null, null, body, body.statuses(), body.toString()));
                }
            }
            for (BadSegment segment : BadInputCorpus.segments(random, SEGMENTS_PER_ENDPOINT)) {
                cases.add(new Case(endpoint, segment.encoded(), null, null, segment.statuses(), "projectId " + segment));
            }
            if (endpoint.path().contains("{step}")) {
                for (BadSegment segment : BadInputCorpus.segments(random, SEGMENTS_PER_ENDPOINT)) {
                    cases.add(new Case(endpoint, null, segment.encoded(), null, segment.statuses(), "step " + segment));
                }
            }
        }
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedWithAProblemAndLeavesNoTrace(Case badCase) throws Exception {
        String project = newProjectId("fuzz");
        start(project, plan("a", "b")).statusCode(201);
        progress(project, "a", 50).statusCode(200);
        String rowsBefore = NoTrace.rows(dataSource, project);
        long projectsBefore = projects();
        double issuedBefore = issued();

        Response response = send(badCase, project);

        int status = response.statusCode();
        assertThat(status).as("%s answered %s", badCase, response.asString()).isIn(badCase.statuses());
        assertThat(response.contentType()).as("%s", badCase).startsWith("application/problem+json");
        assertThat(response.jsonPath().getInt("status")).isEqualTo(status);
        assertThat(response.asString()).doesNotContain("Exception", "java.", "jackson", "\u0000");
        assertThat(NoTrace.rows(dataSource, project)).isEqualTo(rowsBefore);
        assertThat(projects()).isEqualTo(projectsBefore);
        assertThat(issued()).isEqualTo(issuedBefore);
        NoTrace.assertNextEventIsTheMarker(project, 3);
    }

    private static Response send(Case badCase, String project) {
        Endpoint endpoint = badCase.endpoint();
        String path = endpoint.path()
                .replace("{projectId}", badCase.projectSegment() != null ? badCase.projectSegment() : project)
                .replace("{step}", badCase.stepSegment() != null ? badCase.stepSegment() : "a");
        // Segments are sent exactly as generated, percent-encoding included.
        RequestSpecification request = asWorker().urlEncodingEnabled(false);
        if (badCase.body() != null) {
            request.contentType(badCase.body().contentType()).body(badCase.body().bytes());
        } else if (endpoint.validBody() != null) {
            request.contentType("application/json").body(endpoint.validBody());
        }
        return request.request(endpoint.method(), path);
    }

    private long projects() throws Exception {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("SELECT count(*) FROM initialization")) {
            count.next();
            return count.getLong(1);
        }
    }

    private double issued() {
        return meters.counter("progress.subscriber.tokens.issued").count();
    }
}
