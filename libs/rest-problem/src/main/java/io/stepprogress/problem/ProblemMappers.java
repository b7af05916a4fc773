package io.stepprogress.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.vertx.core.http.HttpServerResponse;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into {@code application/problem+json}. Details name the input at fault in the
 * caller's terms (JSON fields, path parameters) and never carry class names or stack traces.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private final ObjectMapper mapper;

    ProblemMappers(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return problem(e, path(uri));
    }

    /** The same answers for a request served by a plain Vert.x route, which has no {@link UriInfo}. */
    public Response problem(ProblemException e, String path) {
        return respond(Problem.of(e.status(), e.title(), e.getMessage(), path, List.of()), e.headers());
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        return invalid(e, path(uri));
    }

    public Response invalid(ConstraintViolationException e, String path) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(field(v.getPropertyPath()), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        String detail = errors.stream().map(err -> err.field().isEmpty() ? err.message()
                : err.field() + " " + err.message()).collect(Collectors.joining("; "));
        return respond(Problem.of(400, "Invalid request", detail, path, errors));
    }

    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e, UriInfo uri) {
        return unreadable(e, path(uri));
    }

    public Response unreadable(JsonProcessingException e, String path) {
        JsonFault fault = JsonFault.of(e);
        List<Problem.FieldError> errors = fault.field() == null ? List.of()
                : List.of(new Problem.FieldError(fault.field(), fault.message()));
        return respond(Problem.of(400, "Malformed JSON", fault.detail(), path, errors));
    }

    /** Declared for the subtype too: Quarkus REST ships its own mapper for it, which answers plain JSON. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, UriInfo uri) {
        return unreadable(e, uri);
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadable(json, uri);
        }
        int status = e.getResponse().getStatus();
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "HTTP " + status : type.getReasonPhrase();
        String detail = switch (status) {
            case 404 -> "no resource at this path";
            case 405 -> "this path does not accept that method";
            case 406 -> "this resource answers application/json only";
            case 415 -> "send the body as application/json";
            case 400 -> "the request could not be read; send a JSON object";
            default -> title;
        };
        return respond(Problem.of(status, title, detail, path(uri), List.of()));
    }

    /**
     * The body could not be read: the client went away in the middle of it, or a chunked body crossed
     * {@code quarkus.http.limits.max-body-size} while it streamed in (Quarkus has then answered 413 itself and closed
     * the connection, so this answer is not sent). The client's doing, not a failure of ours: logged in one line at
     * debug level, not as an error with a stack trace, which any client could otherwise have written into our logs
     * on every request. A JSON error is a {@link JsonProcessingException}, an IOException too, and keeps its own
     * mapper above.
     */
    @ServerExceptionMapper
    public Response unreadableBody(IOException e, UriInfo uri, HttpServerResponse response) {
        if (response.ended()) {
            LOG.debugf("request body not read on %s: %s", path(uri), e.getMessage());
            // Nothing can be written any more; an entity would fail again, this time in Quarkus's error handler.
            return Response.status(response.getStatusCode()).build();
        }
        return unreadableBody(e, path(uri));
    }

    /** The same 400 for a caller outside JAX-RS (a plain route) that has the request's path, not its UriInfo. */
    public Response unreadableBody(IOException e, String path) {
        LOG.debugf("request body not read on %s: %s", path, e.getMessage());
        return respond(Problem.of(400, "Bad Request", "the request body could not be read", path, List.of()));
    }

    /** Anything unexpected: logged with an id the caller can quote; the response says nothing internal. */
    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        return unexpected(e, path(uri));
    }

    public Response unexpected(Throwable e, String path) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "unexpected failure %s on %s", id, path);
        return respond(Problem.of(500, "Internal error",
                "the request failed on our side; quote error id " + id, path, List.of()));
    }

    private Response respond(Problem problem) {
        return respond(problem, java.util.Map.of());
    }

    private Response respond(Problem problem, java.util.Map<String, String> headers) {
        try {
            Response.ResponseBuilder builder = Response.status(problem.status()).type(Problem.MEDIA_TYPE)
                    .entity(mapper.writeValueAsString(problem));
            headers.forEach(builder::header);
            return builder.build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a problem", e);
        }
    }

    /** "start.body.steps[0].weight" -> "steps[0].weight"; "reportProgress.projectId" -> "projectId". */
    static String field(Path propertyPath) {
        List<String> nodes = new ArrayList<>();
        for (Path.Node node : propertyPath) {
            String name = node.getName();
            if (node.getIndex() != null && !nodes.isEmpty()) {
                int last = nodes.size() - 1;
                nodes.set(last, nodes.get(last) + "[" + node.getIndex() + "]");
            }
            if (name != null && !name.startsWith("<")) {
                nodes.add(name);
            }
        }
        // Drop the method name, then the body parameter's own name: callers know fields, not Java parameters.
        List<String> rest = nodes.size() > 1 ? nodes.subList(1, nodes.size()) : nodes;
        if (rest.size() > 1 && rest.get(0).startsWith("body")) {
            rest = rest.subList(1, rest.size());
        } else if (rest.size() == 1 && rest.get(0).equals("body")) {
            return "";
        }
        return String.join(".", rest);
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : uri.getRequestUri().getRawPath();
    }
}
