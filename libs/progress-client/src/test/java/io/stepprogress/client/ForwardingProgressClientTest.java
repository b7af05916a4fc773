package io.stepprogress.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardingProgressClientTest {

    private static InitializationView view(String projectId, long sequence) {
        Instant t = Instant.parse("2026-11-30T04:00:00Z");
        return new InitializationView(projectId, InitializationStatus.RUNNING, 0.0, null, null, sequence, t, t, null,
                null, List.of(), 1);
    }

    /** A client that answers every call with a view numbered by the call, and logs the calls. */
    private static ProgressClient numbering(List<String> calls) {
        return (ProgressClient) Proxy.newProxyInstance(ProgressClient.class.getClassLoader(),
                new Class<?>[] {ProgressClient.class}, (proxy, method, args) -> {
                    calls.add(method.getName());
                    return view((String) args[0], calls.size());
                });
    }

    @Test
    void everyCallReachesTheDelegateAndOnlyWritesPassThroughTheHook() {
        List<String> calls = new ArrayList<>();
        List<Long> written = new ArrayList<>();
        ProgressClient client = new ForwardingProgressClient(numbering(calls)) {
            @Override
            protected InitializationView written(InitializationView view) {
                written.add(view.sequence());
                return view;
            }
        };

        client.start("p");
        client.start("p", List.of());
        client.startRun("p", 2);
        client.startRun("p", 2, List.of());
        client.reportProgress("p", "a", 10, null);
        client.complete("p", "a", null);
        client.fail("p", "a", "no");
        client.cancel("p", null);
        InitializationView read = client.progress("p");

        assertThat(calls).containsExactly("start", "start", "startRun", "startRun", "reportProgress", "complete",
                "fail", "cancel", "progress");
        assertThat(written).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(read.sequence()).isEqualTo(9);
    }
}
