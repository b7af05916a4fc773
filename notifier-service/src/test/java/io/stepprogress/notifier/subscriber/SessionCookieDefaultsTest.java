package io.stepprogress.notifier.subscriber;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.stepprogress.notifier.NotifierConfig;
import io.stepprogress.notifier.support.NotifierConfigs;
import io.stepprogress.notifier.NotifierConfig.Session.Secure;
import java.io.IOException;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** The cookie's Secure default per profile, read from the service's own application.properties. */
class SessionCookieDefaultsTest {

    @Test
    void theProductionProfileMarksTheCookieSecureWhateverTheScheme() throws IOException {
        assertThat(secureIn("prod")).isEqualTo(Secure.ALWAYS);
    }

    @Test
    void devAndTestServePlainHttpOnLoopbackAndStayOnAuto() throws IOException {
        assertThat(secureIn("dev")).isEqualTo(Secure.AUTO);
        assertThat(secureIn("test")).isEqualTo(Secure.AUTO);
    }

    @Test
    void onlyLoopbackIsATrustedProxyByDefault() throws IOException {
        assertThat(config("prod").getValue("quarkus.http.proxy.trusted-proxies", String.class))
                .isEqualTo("127.0.0.1,[::1]");
    }

    private static Secure secureIn(String profile) throws IOException {
        return config(profile).getConfigMapping(NotifierConfig.class).session().secure();
    }

    private static SmallRyeConfig config(String profile) throws IOException {
        URL properties = SessionCookieDefaultsTest.class.getClassLoader().getResource("application.properties");
        return NotifierConfigs.builder().addDefaultInterceptors().withProfile(profile)
                .withSources(new PropertiesConfigSource(properties))
                .withValidateUnknown(false)
                .build();
    }
}
