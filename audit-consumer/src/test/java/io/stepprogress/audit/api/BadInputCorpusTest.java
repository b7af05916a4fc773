package io.stepprogress.audit.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import io.stepprogress.testkit.ApiRequests;
import io.stepprogress.testkit.BadInputCorpus;
import io.stepprogress.testkit.BadInputCorpus.Probe;
import io.stepprogress.testkit.BadInputCorpus.BadQuery;
import io.stepprogress.testkit.BadInputCorpus.BadSegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generated bad input against every endpoint of audit-consumer (see {@link BadInputCorpus}; the seed is
 * printed): never a 500, always a problem. The API is read-only and takes no body: ids, query parameters
 * and credentials are its input.
 */
@QuarkusTest
class BadInputCorpusTest {

    static Stream<Arguments> corpus() {
        Random random = new Random(BadInputCorpus.seed());
        List<Probe> cases = new ArrayList<>();
        for (BadSegment id : BadInputCorpus.segments(random, 12)) {
            cases.add(new Probe("events of " + id, id.statuses(),
                    r -> r.get("/api/audit/projects/" + id.encoded() + "/events")));
            cases.add(new Probe("event " + id, id.statuses(), r -> r.get("/api/audit/events/" + id.encoded())));
        }
        cases.add(new Probe("an event nobody recorded", Set.of(404), r -> r.get("/api/audit/events/" + new UUID(
                random.nextLong(), random.nextLong()))));
        for (BadQuery after : BadInputCorpus.integers(random, 0, Long.MAX_VALUE, 20)) {
            cases.add(new Probe("afterSequence " + after, Set.of(400),
                    r -> r.get("/api/audit/projects/p/events?afterSequence=" + after.encoded())));
        }
        for (BadQuery limit : BadInputCorpus.integers(random, 1, Integer.MAX_VALUE, 20)) {
            cases.add(new Probe("limit " + limit, Set.of(400),
                    r -> r.get("/api/audit/projects/p/events?limit=" + limit.encoded())));
        }
        for (String credential : BadInputCorpus.credentials(random, 10)) {
            cases.add(new Probe("credential '" + (credential.length() > 40 ? credential.substring(0, 40) + "…" : credential)
                    + "'", Set.of(401), r -> r.header("Authorization", credential).get("/api/audit/projects/p/events")));
        }
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedWithAProblem(Probe badCase) {
        RequestSpecification request = badCase.statuses().equals(Set.of(401))
                ? io.restassured.RestAssured.given() : ApiRequests.asOperator();
        BadInputCorpus.assertProblem(badCase.send().apply(request.urlEncodingEnabled(false)), badCase.statuses(),
                badCase);
    }
}
