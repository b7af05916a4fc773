package io.stepprogress.alert.api;

import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.testkit.OperatorCorsContract;

@QuarkusTest
class CorsTest extends OperatorCorsContract {

    @Override
    protected String path() {
        return "/api/alerts";
    }
}
