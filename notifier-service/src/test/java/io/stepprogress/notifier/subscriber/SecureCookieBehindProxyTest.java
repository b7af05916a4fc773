package io.stepprogress.notifier.subscriber;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.notifier.subscriber.SessionTest.Cookie;
import io.stepprogress.notifier.support.Http;
import io.stepprogress.testkit.TestTokens;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Behind a TLS-terminating proxy the notifier sees plain HTTP; the cookie must still be Secure when the proxy
 * (a trusted address: loopback here, as in the default configuration) says the browser used HTTPS.
 */
@QuarkusTest
class SecureCookieBehindProxyTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void aTrustedProxysForwardedHttpsMakesTheCookieSecure() {
        assertThat(sessionCookie(base, Map.of("X-Forwarded-Proto", "https")).has("Secure")).isTrue();
        assertThat(cookieCleared(base, Map.of("X-Forwarded-Proto", "https"))).as("sign-out matches the attributes")
                .contains("; Secure");
    }

    @Test
    void plainHttpWithoutAForwardedSchemeKeepsTheCookieUsableOnLoopback() {
        assertThat(sessionCookie(base, Map.of()).has("Secure")).isFalse();
        assertThat(sessionCookie(base, Map.of("X-Forwarded-Proto", "http")).has("Secure")).isFalse();
    }

    static Cookie sessionCookie(URL base, Map<String, String> forwarded) {
        Map<String, String> headers = new HashMap<>(Http.bearer(TestTokens.subscriber("proxy-test")));
        headers.putAll(forwarded);
        HttpResponse<String> response = Http.send("POST", URI.create(base + "api/session"), headers);
        assertThat(response.statusCode()).isEqualTo(200);
        return Cookie.parse(response.headers().allValues("Set-Cookie"));
    }

    private static String cookieCleared(URL base, Map<String, String> forwarded) {
        HttpResponse<String> response = Http.send("DELETE", URI.create(base + "api/session"), forwarded);
        assertThat(response.statusCode()).isEqualTo(204);
        return response.headers().firstValue("Set-Cookie").orElseThrow();
    }
}
