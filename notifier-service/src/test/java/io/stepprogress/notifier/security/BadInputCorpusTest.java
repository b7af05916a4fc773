package io.stepprogress.notifier.security;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.stepprogress.notifier.subscriber.SessionCookie;
import io.stepprogress.notifier.support.Subscribers;
import io.stepprogress.testkit.BadInputCorpus;
import io.stepprogress.testkit.BadInputCorpus.Probe;
import io.stepprogress.testkit.BadInputCorpus.BadBody;
import io.stepprogress.testkit.BadInputCorpus.BadQuery;
import io.stepprogress.testkit.BadInputCorpus.BadSegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generated bad input against every endpoint of notifier-service (see {@link BadInputCorpus}; the seed is
 * printed): never a 500, always a problem. Ids, query parameters and credentials are what it reads; no
 * endpoint takes a JSON body (POST /api/session reads only its Authorization header), so bodies go with
 * credentials that must still be refused. A refused stream request never turns into a stream: the answer is
 * a problem, not text/event-stream.
 */
@QuarkusTest
class BadInputCorpusTest {

    static Stream<Arguments> corpus() {
        Random random = new Random(BadInputCorpus.seed());
        List<Probe> cases = new ArrayList<>();
        for (BadSegment id : BadInputCorpus.segments(random, 12)) {
            cases.add(new Probe("progress of " + id, id.statuses(),
                    r -> subscriber(r).get("/api/projects/" + id.encoded() + "/progress")));
            // Encoded dot segments are normalised away: /api/projects/%2e%2e/events is the overview stream,
            // which a subscriber may open, and which never ends. Only ids that stay one segment are sent.
            if (id.statuses().equals(Set.of(400))) {
                cases.add(new Probe("stream of " + id, id.statuses(),
                        r -> subscriber(r).get("/api/projects/" + id.encoded() + "/events")));
            }
        }
        for (BadQuery status : BadInputCorpus.words(random,
                Set.of("pending", "running", "completed", "failed", "cancelled"), 12)) {
            cases.add(new Probe("list with status " + status, Set.of(400),
                    r -> subscriber(r).get("/api/projects?status=" + status.encoded())));
        }
        for (BadQuery limit : BadInputCorpus.integers(random, 1, 500, 20)) {
            cases.add(new Probe("list with limit " + limit, Set.of(400),
                    r -> subscriber(r).get("/api/projects?limit=" + limit.encoded())));
        }
        for (BadSegment id : BadInputCorpus.segments(random, 8)) {
            if (id.statuses().equals(Set.of(400))) {
                cases.add(new Probe("sign out of " + id, Set.of(400),
                        r -> r.delete("/api/session?projectId=" + id.encoded())));
            }
        }
        List<String> credentials = BadInputCorpus.credentials(random, 15);
        for (int i = 0; i < credentials.size(); i++) {
            String credential = credentials.get(i);
            String shown = credential.length() > 40 ? credential.substring(0, 40) + "…" : credential;
            cases.add(new Probe("overview stream with '" + shown + "'", Set.of(401),
                    r -> r.header("Authorization", credential).get("/api/events")));
            cases.add(new Probe("session with '" + shown + "'", Set.of(401),
                    r -> r.header("Authorization", credential).get("/api/session")));
            cases.add(new Probe("session cookie '" + shown + "'", Set.of(401),
                    r -> r.header("Cookie", SessionCookie.NAME + "=" + credential.replace(" ", "").replace(";", ""))
                            .get("/api/projects")));
        }
        List<BadBody> bodies = BadInputCorpus.bodies(random, "{\"token\":\"x\"}", List.of("/token"), 13, 16 * 1024);
        for (int i = 0; i < bodies.size(); i++) {
            BadBody body = bodies.get(i);
            String credential = credentials.get(i % credentials.size());
            // The body limit answers before anything else; every other body meets the refused credential.
            Set<Integer> statuses = body.fault() == BadInputCorpus.Fault.TOO_LARGE ? Set.of(413) : Set.of(401);
            cases.add(new Probe("sign in with " + body, statuses, r -> r.header("Authorization", credential)
                    .contentType(body.contentType()).body(body.bytes()).post("/api/session")));
        }
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedWithAProblem(Probe badCase) {
        BadInputCorpus.assertProblem(badCase.send().apply(RestAssured.given().urlEncodingEnabled(false)),
                badCase.statuses(), badCase);
    }

    private static RequestSpecification subscriber(RequestSpecification request) {
        return request.header("Authorization", Subscribers.authorization());
    }
}
