package io.stepprogress.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepprogress.event.EventJson;
import io.stepprogress.event.InitializationView;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/** The {@link ProgressClient} over {@code java.net.http}. Immutable after construction, hence thread-safe. */
final class HttpProgressClient implements ProgressClient {

    private static final System.Logger LOG = System.getLogger(ProgressClient.class.getName());
    private static final String ACCEPT = "application/json, application/problem+json";
    private static final int MAX_DETAIL_FROM_BODY = 300;

    private final String base;
    private final HttpClient http;
    private final ObjectMapper mapper = EventJson.configure(new ObjectMapper());
    private final Supplier<String> bearerToken;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Backoff backoff;
    private final Duration maxRetryAfter;
    private final String userAgent;
    private final Sleeper sleeper;

    HttpProgressClient(ProgressClient.Builder builder) {
        String url = builder.baseUrl.toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.http = builder.httpClient != null ? builder.httpClient : HttpClient.newBuilder()
                // Plain HTTP/1.1: no h2c upgrade dance with the server or proxies in between.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(builder.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.bearerToken = builder.bearerToken;
        this.requestTimeout = builder.requestTimeout;
        this.maxAttempts = builder.maxAttempts;
        this.backoff = new Backoff(builder.initialBackoff, builder.maxBackoff);
        this.maxRetryAfter = builder.maxRetryAfter;
        this.userAgent = builder.userAgent;
        this.sleeper = builder.sleeper;
    }

    @Override
    public InitializationView start(String projectId) {
        return send("PUT", project(projectId) + "/initialization", null);
    }

    @Override
    public InitializationView start(String projectId, List<PlannedStep> steps) {
        return send("PUT", project(projectId) + "/initialization", plan(steps));
    }

    @Override
    public InitializationView startRun(String projectId, int run, List<PlannedStep> steps) {
        return send("PUT", project(projectId) + "/initialization?run=" + positive(run), plan(steps));
    }

    @Override
    public InitializationView startRun(String projectId, int run) {
        return send("PUT", project(projectId) + "/initialization?run=" + positive(run), null);
    }

    private ObjectNode plan(List<PlannedStep> steps) {
        Objects.requireNonNull(steps, "steps");
        ObjectNode body = mapper.createObjectNode();
        var array = body.putArray("steps");
        for (PlannedStep step : steps) {
            Objects.requireNonNull(step, "a planned step is null");
            array.addObject().put("name", step.name()).put("label", step.label()).put("weight", step.weight());
        }
        return body;
    }

    private static int positive(int run) {
        if (run < 1) {
            throw new IllegalArgumentException("run must be 1 or more, got " + run);
        }
        return run;
    }

    @Override
    public InitializationView reportProgress(String projectId, String step, int progress, String message) {
        ObjectNode body = mapper.createObjectNode().put("progress", progress);
        putIfPresent(body, "message", message);
        return send("POST", step(projectId, step) + "/progress", body);
    }

    @Override
    public InitializationView complete(String projectId, String step, String message) {
        ObjectNode body = mapper.createObjectNode();
        putIfPresent(body, "message", message);
        return send("POST", step(projectId, step) + "/complete", body);
    }

    @Override
    public InitializationView fail(String projectId, String step, String reason) {
        Objects.requireNonNull(reason, "reason");
        return send("POST", step(projectId, step) + "/fail", mapper.createObjectNode().put("reason", reason));
    }

    @Override
    public InitializationView cancel(String projectId, String reason) {
        ObjectNode body = mapper.createObjectNode();
        putIfPresent(body, "reason", reason);
        return send("POST", project(projectId) + "/initialization/cancel", body);
    }

    @Override
    public InitializationView progress(String projectId) {
        return send("GET", project(projectId) + "/progress", null);
    }

    @Override
    public String toString() {
        return "ProgressClient[" + base + ", " + maxAttempts + " attempts]";
    }

    // ---------------------------------------------------------------------------------------------------

    @Override
    public SubscriberToken issueSubscriberToken(String projectId, String subject, Duration ttl) {
        ObjectNode body = mapper.createObjectNode();
        putIfPresent(body, "subject", subject);
        if (ttl != null) {
            body.put("ttlSeconds", ttl.toSeconds());
        }
        String path = project(projectId) + "/subscriber-tokens";
        return send("POST", path, body, response -> subscriberToken(response, "POST " + path));
    }

    private InitializationView send(String method, String path, JsonNode body) {
        return send(method, path, body, response -> view(response, method + " " + path));
    }

    private <T> T send(String method, String path, JsonNode body, java.util.function.Function<HttpResponse<String>, T> reader) {
        HttpRequest request = request(method, path, body);
        String call = method + " " + path;
        for (int attempt = 1; ; attempt++) {
            Duration wait;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return reader.apply(response);
                }
                ProblemDetails problem = problem(response);
                Duration retryAfter = retryAfter(response);
                if (status == 429) {
                    if (attempt >= maxAttempts || tooLong(retryAfter)) {
                        throw new RateLimitedException(problem, call, retryAfter, attempt);
                    }
                } else if (status >= 500) {
                    ServerErrorException error = new ServerErrorException(problem, call);
                    if (attempt >= maxAttempts || tooLong(retryAfter)) {
                        throw new ProgressUnavailableException(call, attempt, error);
                    }
                } else {
                    throw ProgressClientException.forProblem(problem, call);
                }
                wait = longer(backoff.delay(attempt), retryAfter);
                LOG.log(System.Logger.Level.DEBUG, () -> call + " answered " + status + ", retrying");
            } catch (IOException e) {
                // Refused, reset, timed out: whether the server applied the call is unknown; it is idempotent.
                if (attempt >= maxAttempts) {
                    throw new ProgressUnavailableException(call, attempt, e);
                }
                wait = backoff.delay(attempt);
                LOG.log(System.Logger.Level.DEBUG, () -> call + " failed (" + e + "), retrying");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProgressInterruptedException(call, e);
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProgressInterruptedException(call, e);
            }
        }
    }

    private HttpRequest request(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(requestTimeout)
                .header("Accept", ACCEPT)
                .header("User-Agent", userAgent);
        String token = bearerToken.get();
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token.strip());
        }
        if (body == null) {
            return request.method(method, HttpRequest.BodyPublishers.noBody()).build();
        }
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a request body", e);
        }
        return request.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(json)).build();
    }

    private InitializationView view(HttpResponse<String> response, String call) {
        try {
            InitializationView view = mapper.readValue(response.body(), InitializationView.class);
            if (view == null || view.projectId() == null || view.status() == null) {
                throw new IllegalArgumentException("projectId and status are required");
            }
            return view;
        } catch (JsonProcessingException | RuntimeException e) {
            throw new ProgressClientException(ProblemDetails.of(response.statusCode(), "Unreadable response",
                    "the answer is not an initialization view: " + shorten(e.getMessage())), call, e);
        }
    }

    private SubscriberToken subscriberToken(HttpResponse<String> response, String call) {
        try {
            SubscriberToken token = mapper.readValue(response.body(), SubscriberToken.class);
            if (token == null || token.token() == null || token.expiresAt() == null) {
                throw new IllegalArgumentException("token and expiresAt are required");
            }
            return token;
        } catch (JsonProcessingException | RuntimeException e) {
            throw new ProgressClientException(ProblemDetails.of(response.statusCode(), "Unreadable response",
                    "the answer is not a subscriber token: " + shorten(e.getMessage())), call, e);
        }
    }

    /** The RFC 9457 body, or a made-up problem when the answer is something else (a proxy page, say). */
    private ProblemDetails problem(HttpResponse<String> response) {
        int status = response.statusCode();
        String body = response.body() == null ? "" : response.body();
        try {
            JsonNode json = body.isBlank() ? null : mapper.readTree(body);
            if (json != null && json.isObject() && json.hasNonNull("title")) {
                List<ProblemDetails.FieldError> errors = new ArrayList<>();
                for (JsonNode error : json.path("errors")) {
                    errors.add(new ProblemDetails.FieldError(text(error, "field"), text(error, "message")));
                }
                return new ProblemDetails(text(json, "type"), json.get("title").asText(), status,
                        text(json, "detail"), text(json, "instance"), errors);
            }
        } catch (JsonProcessingException e) {
            // not JSON: described below
        }
        return ProblemDetails.of(status, "HTTP " + status, body.isBlank() ? null : shorten(body.strip()));
    }

    /** {@code Retry-After} as delay-seconds or an HTTP-date; null when absent or unreadable. */
    static Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(HttpProgressClient::parseRetryAfter).orElse(null);
    }

    static Duration parseRetryAfter(String value) {
        String v = value.strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException e) {
            try {
                Duration until = Duration.between(ZonedDateTime.now(),
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    private boolean tooLong(Duration retryAfter) {
        return retryAfter != null && retryAfter.compareTo(maxRetryAfter) > 0;
    }

    private static Duration longer(Duration a, Duration b) {
        return b == null || a.compareTo(b) >= 0 ? a : b;
    }

    private static String project(String projectId) {
        return "/api/projects/" + segment(projectId, "projectId");
    }

    private static String step(String projectId, String step) {
        return project(projectId) + "/steps/" + segment(step, "step");
    }

    /** Percent-encodes one path segment ({@code URLEncoder} is for forms: its '+' must become %20). */
    static String segment(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A");
        // "." and ".." would be resolved away as dot-segments by whoever normalises the path.
        return encoded.chars().allMatch(c -> c == '.') ? encoded.replace(".", "%2E") : encoded;
    }

    private static void putIfPresent(ObjectNode body, String field, String value) {
        if (value != null) {
            body.put(field, value);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String shorten(String text) {
        if (text == null) {
            return null;
        }
        return text.length() <= MAX_DETAIL_FROM_BODY ? text : text.substring(0, MAX_DETAIL_FROM_BODY) + "…";
    }
}
