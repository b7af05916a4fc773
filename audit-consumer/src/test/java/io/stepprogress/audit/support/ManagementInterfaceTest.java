package io.stepprogress.audit.support;

import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.testkit.ManagementInterfaceContract;

@QuarkusTest
class ManagementInterfaceTest extends ManagementInterfaceContract {

    @Override
    protected String ownMetric() {
        return "audit_events_written_total";
    }
}
