package io.stepprogress.alert;

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
        ConfigurationTable.read(README).assertDocuments(Path.of(""), AlertConfig.class);
    }
}
