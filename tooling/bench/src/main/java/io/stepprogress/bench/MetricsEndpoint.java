package io.stepprogress.bench;

import io.stepprogress.testkit.PrometheusMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * A service's {@code /q/metrics}: first on its management port (where issue 6 moves it), else on its main
 * port (the older stack). Whichever answered first is kept for the rest of the run.
 */
public final class MetricsEndpoint {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final String service;
    private final List<URI> candidates;
    private volatile URI working;

    public MetricsEndpoint(String service, URI management, URI main) {
        this.service = service;
        this.candidates = management == null ? List.of(main) : List.of(management, main);
    }

    public String service() {
        return service;
    }

    /** The URL that answered, or the first candidate when none did yet. */
    public URI url() {
        return working != null ? working : candidates.get(0);
    }

    /** A scrape, or null when no candidate answers with metrics. */
    public PrometheusMetrics scrape() {
        URI known = working;
        if (known != null) {
            String text = get(known);
            if (text != null) {
                return PrometheusMetrics.parse(text);
            }
        }
        for (URI uri : candidates) {
            String text = get(uri);
            if (text != null) {
                working = uri;
                return PrometheusMetrics.parse(text);
            }
        }
        return null;
    }

    private static String get(URI uri) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                    .header("Accept", "text/plain").GET().build(), HttpResponse.BodyHandlers.ofString());
            // A public port that no longer serves metrics answers 404 (or 401): not metrics.
            return response.statusCode() == 200 && response.body().contains("# TYPE") ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
