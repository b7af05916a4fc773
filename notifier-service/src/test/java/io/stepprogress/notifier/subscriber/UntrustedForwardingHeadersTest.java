package io.stepprogress.notifier.subscriber;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A client that is not a trusted proxy cannot claim HTTPS (or anything else) through forwarding headers. */
@QuarkusTest
@TestProfile(UntrustedForwardingHeadersTest.ProxyElsewhere.class)
class UntrustedForwardingHeadersTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void forwardingHeadersFromAnUntrustedAddressAreIgnored() {
        assertThat(SecureCookieBehindProxyTest.sessionCookie(base, Map.of("X-Forwarded-Proto", "https")).has("Secure"))
                .isFalse();
    }

    /** The only trusted proxy is a documentation address (RFC 5737), never the test's loopback client. */
    public static class ProxyElsewhere implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.proxy.trusted-proxies", "192.0.2.10");
        }
    }
}
