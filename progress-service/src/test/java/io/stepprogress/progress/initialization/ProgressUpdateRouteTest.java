package io.stepprogress.progress.initialization;

import static io.stepprogress.progress.support.ProgressApi.management;
import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.testkit.TestTokens;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A progress update is answered by {@link ProgressUpdateRoute} when its body is announced with a length, and by the
 * resource when it is not (streamed in chunks): both answers are the same contract. The bad-input, security and
 * shedding suites send their requests with a length, so they go through the route.
 */
@QuarkusTest
class ProgressUpdateRouteTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The test profile's CORS origin: a browser page's request gets the same CORS answer either way. */
    private static final String ALLOWED_ORIGIN = "https://allowed.example";

    @TestHTTPResource("/")
    URI base;

    @Inject
    ProgressUpdateRoute route;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aRouteAnswerIsTheResourcesAnswer() throws Exception {
        String project = newProjectId("route");
        start(project, plan("a", "b")).statusCode(201);

        long before = route.answered();
        HttpResponse<String> byRoute = post(project, "a", "{\"progress\":30,\"message\":\"cloning\"}", true);
        assertThat(route.answered()).isEqualTo(before + 1);
        HttpResponse<String> byResource = post(project, "a", "{\"progress\":60,\"message\":\"cloning\"}", false);
        assertThat(route.answered()).as("a chunked body goes to the resource").isEqualTo(before + 1);

        assertThat(byRoute.statusCode()).isEqualTo(byResource.statusCode()).isEqualTo(200);
        assertThat(byRoute.headers().firstValue("Content-Type"))
                .isEqualTo(byResource.headers().firstValue("Content-Type"));
        assertThat(byRoute.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED_ORIGIN)
                .isEqualTo(byResource.headers().firstValue("Access-Control-Allow-Origin"));
        JsonNode routed = JSON.readTree(byRoute.body());
        JsonNode resourced = JSON.readTree(byResource.body());
        assertThat(fields(routed, "")).isEqualTo(fields(resourced, ""));
        assertThat(routed.get("sequence").asLong()).isEqualTo(resourced.get("sequence").asLong() - 1);
        assertThat(routed.at("/steps/0/progress").asInt()).isEqualTo(30);
        assertThat(resourced.at("/steps/0/progress").asInt()).isEqualTo(60);
    }

    @Test
    void aRefusalFromTheRouteIsTheResourcesRefusal() throws Exception {
        String project = newProjectId("route-refused");
        start(project, plan("a")).statusCode(201);
        post(project, "a", "{\"progress\":50}", true);

        long before = route.answered();
        HttpResponse<String> byRoute = post(project, "a", "{\"progress\":40}", true);
        HttpResponse<String> byResource = post(project, "a", "{\"progress\":40}", false);
        assertThat(route.answered()).isEqualTo(before + 1);

        assertThat(byRoute.statusCode()).isEqualTo(byResource.statusCode()).isEqualTo(409);
        assertThat(byRoute.headers().firstValue("Content-Type")).contains("application/problem+json")
                .isEqualTo(byResource.headers().firstValue("Content-Type"));
        assertThat(byRoute.body()).isEqualTo(byResource.body());

        HttpResponse<String> invalidByRoute = post(project, "a", "{\"progress\":101}", true);
        HttpResponse<String> invalidByResource = post(project, "a", "{\"progress\":101}", false);
        assertThat(invalidByRoute.statusCode()).isEqualTo(invalidByResource.statusCode()).isEqualTo(400);
        assertThat(invalidByRoute.body()).isEqualTo(invalidByResource.body());

        HttpResponse<String> malformedByRoute = post(project, "a", "{\"progress\":", true);
        HttpResponse<String> malformedByResource = post(project, "a", "{\"progress\":", false);
        assertThat(malformedByRoute.statusCode()).isEqualTo(malformedByResource.statusCode()).isEqualTo(400);
        assertThat(malformedByRoute.body()).isEqualTo(malformedByResource.body());
        assertThat(route.answered()).isEqualTo(before + 3);
    }

    @Test
    void routeAnswersAreMeasuredUnderTheResourcesPathTemplate() throws Exception {
        String project = newProjectId("route-metric");
        start(project, plan("a")).statusCode(201);
        post(project, "a", "{\"progress\":10}", true);

        String metrics = management().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("uri=\"" + ProgressUpdateRoute.TEMPLATE + "\"")
                .doesNotContain("uri=\"" + ProgressUpdateRoute.ROUTE + "\"")
                .doesNotContain(project);
    }

    /** With {@code lengthKnown} false the body is streamed (chunked, no Content-Length): the route hands it on. */
    private HttpResponse<String> post(String project, String step, String body, boolean lengthKnown)
            throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher publisher = lengthKnown ? HttpRequest.BodyPublishers.ofByteArray(bytes)
                : HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
        HttpRequest request = HttpRequest.newBuilder(base.resolve("api/projects/" + project + "/steps/" + step
                        + "/progress"))
                .header("Authorization", "Bearer " + TestTokens.worker())
                .header("Content-Type", "application/json")
                .header("Origin", ALLOWED_ORIGIN)
                .POST(publisher).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Every field path of a JSON document: the two answers carry the same fields, whatever their values. */
    private static Set<String> fields(JsonNode node, String path) {
        Set<String> paths = new TreeSet<>();
        if (node.isObject()) {
            Iterator<String> names = node.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                paths.add(path + "/" + name);
                paths.addAll(fields(node.get(name), path + "/" + name));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                paths.addAll(fields(node.get(i), path + "/" + i));
            }
        }
        return paths;
    }
}
