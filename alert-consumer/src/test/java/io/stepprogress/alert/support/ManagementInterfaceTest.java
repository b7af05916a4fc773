package io.stepprogress.alert.support;

import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.testkit.ManagementInterfaceContract;

@QuarkusTest
class ManagementInterfaceTest extends ManagementInterfaceContract {

    @Override
    protected String ownMetric() {
        return "progress_initializations_active";
    }

    /** Readiness (and so /q/health) is 503 until the partitions' history is in memory. */
    @Override
    protected void awaitReady() {
        Ready.waitUntilReady();
    }
}
