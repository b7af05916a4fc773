package io.stepprogress.alert.api;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.stepprogress.alert.state.AlertType;
import io.stepprogress.testkit.ApiRequests;
import io.stepprogress.testkit.BadInputCorpus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Generated bad input against alert-consumer's one endpoint (see {@link BadInputCorpus}; the seed is
 * printed): never a 500, always a problem. It takes no body: the type filter and credentials are its input.
 */
@QuarkusTest
class BadInputCorpusTest {

    static Stream<Arguments> corpus() {
        Random random = new Random(BadInputCorpus.seed());
        Set<String> types = Arrays.stream(AlertType.values()).map(AlertType::wireName).collect(Collectors.toSet());
        List<Arguments> cases = new ArrayList<>();
        BadInputCorpus.words(random, types, 24).forEach(type -> cases.add(Arguments.of("type " + type,
                "/api/alerts?type=" + type.encoded(), null, 400)));
        BadInputCorpus.credentials(random, 10).forEach(credential -> cases.add(Arguments.of(
                "credential '" + (credential.length() > 40 ? credential.substring(0, 40) + "…" : credential) + "'",
                "/api/alerts", credential, 401)));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedWithAProblem(String name, String path, String credential, int status) {
        var request = credential == null ? ApiRequests.asOperator() : RestAssured.given().header("Authorization", credential);
        BadInputCorpus.assertProblem(request.urlEncodingEnabled(false).get(path), Set.of(status), name);
    }
}
