package io.stepprogress.progress.initialization;

import static io.restassured.RestAssured.given;
import static io.stepprogress.progress.support.ProgressApi.newProjectId;
import static io.stepprogress.progress.support.ProgressApi.plan;
import static io.stepprogress.progress.support.ProgressApi.progress;
import static io.stepprogress.progress.support.ProgressApi.start;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.stepprogress.security.Scopes;
import io.stepprogress.testkit.TestTokens;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GET /api/projects: what a notifier loads its read model from. Pages are keyset pages, most recently updated
 * first, each view equal to the project's own GET .../progress, and only projects the operator token allows.
 */
@QuarkusTest
class ProjectListingTest {

    @Test
    void listsTheCurrentViewsNewestFirstInPagesOfTheTokensProjectsOnly() {
        String prefix = newProjectId("lst");
        String a = prefix + "-a";
        String b = prefix + "-b";
        String c = prefix + "-c";
        String other = newProjectId("lst");
        start(a, plan("x", "y")).statusCode(201);
        start(b, plan("x")).statusCode(201);
        start(c, plan("x")).statusCode(201);
        start(other, plan("x")).statusCode(201);
        progress(a, "x", 40).statusCode(200); // a is now the most recently updated
        String operator = TestTokens.bearer(TestTokens.operator(prefix + "-*"));

        JsonPath first = given().header("Authorization", operator).queryParam("limit", 2).get("/api/projects")
                .then().statusCode(200).extract().jsonPath();
        assertThat(first.getList("projects.projectId", String.class)).containsExactly(a, c);
        assertThat(first.getString("next")).isNotNull();
        Map<String, Object> listed = first.getMap("projects[0]");
        Map<String, Object> single = given().header("Authorization", operator).get("/api/projects/{p}/progress", a)
                .then().statusCode(200).extract().jsonPath().getMap("$");
        assertThat(listed).isEqualTo(single);
        assertThat(first.getList("projects[0].steps.name", String.class)).containsExactly("x", "y");

        JsonPath second = given().header("Authorization", operator).queryParam("limit", 2)
                .queryParam("after", first.getString("next")).get("/api/projects")
                .then().statusCode(200).extract().jsonPath();
        assertThat(second.getList("projects.projectId", String.class)).containsExactly(b);
        assertThat(second.getString("next")).isNull();

        // Another pattern sees none of them; an explicit ["*"] sees them all, the other one included.
        given().header("Authorization", TestTokens.bearer(TestTokens.operator("nobody-*"))).get("/api/projects")
                .then().statusCode(200).body("projects.size()", equalTo(0));
        String since = given().header("Authorization", operator).get("/api/projects/{p}/progress", b)
                .then().extract().path("updatedAt");
        List<String> all = given().header("Authorization", TestTokens.bearer(TestTokens.operator()))
                .queryParam("updatedSince", since).queryParam("limit", 1000).get("/api/projects")
                .then().statusCode(200).extract().jsonPath().getList("projects.projectId", String.class);
        assertThat(all).contains(a, b, c, other);
    }

    @Test
    void isForOperatorsOnlyAndRefusesBadParametersAsProblems() {
        given().get("/api/projects").then().statusCode(401).contentType("application/problem+json");
        given().header("Authorization", TestTokens.bearer(TestTokens.worker())).get("/api/projects")
                .then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("scope"));
        given().header("Authorization", TestTokens.bearer(TestTokens.token(
                        io.stepprogress.security.ProjectPatterns.any(), java.time.Duration.ofMinutes(5), Scopes.SUBSCRIBE)))
                .get("/api/projects").then().statusCode(401);
        String operator = TestTokens.bearer(TestTokens.operator());
        for (Map.Entry<String, String> bad : Map.of("limit", "0", "updatedSince", "yesterday",
                "after", "x:y").entrySet()) {
            given().header("Authorization", operator).queryParam(bad.getKey(), bad.getValue()).get("/api/projects")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("detail", containsString(bad.getKey()));
        }
    }
}
