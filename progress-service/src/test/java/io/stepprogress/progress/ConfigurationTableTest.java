package io.stepprogress.progress;

import io.stepprogress.progress.eta.EtaConfig;
import io.stepprogress.progress.overload.OverloadConfig;
import io.stepprogress.progress.initialization.ProgressConfig;
import io.stepprogress.progress.relay.RelayConfig;
import io.stepprogress.progress.subscription.SubscriberTokenConfig;
import io.stepprogress.testkit.ConfigurationTable;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The configuration table of the service's README is its settings' one documentation: every property of
 * its @ConfigMapping interfaces has a row with the @WithDefault default, and no row is left of a removed one.
 */
class ConfigurationTableTest {

    private static final Path README = Path.of("README.md");

    @Test
    void theReadmeDocumentsEverySettingWithTheDefaultItHas() {
        ConfigurationTable.read(README).assertDocuments(Path.of(""), ProgressConfig.class, RelayConfig.class, SubscriberTokenConfig.class,
                EtaConfig.class, OverloadConfig.class);
    }
}
