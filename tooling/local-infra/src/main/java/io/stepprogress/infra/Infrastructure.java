package io.stepprogress.infra;

import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.testcontainers.DockerClientFactory;

/**
 * PostgreSQL and Kafka for tests: a pair of running servers, chosen by the {@value #MODE_PROPERTY} system
 * property or environment variable:
 * <ul>
 *   <li>{@code embedded} (default): {@link EmbeddedPostgresServer} and {@link EmbeddedKafkaServer}, no Docker;</li>
 *   <li>{@code testcontainers}: {@link ContainerPostgresServer} and {@link ContainerKafkaServer};</li>
 *   <li>{@code auto}: Testcontainers when a Docker engine answers, embedded otherwise.</li>
 * </ul>
 * Starting them takes seconds, so test classes share one pair: {@link #shared()}.
 */
public final class Infrastructure implements AutoCloseable {

    public static final String MODE_PROPERTY = "infra";

    public enum Mode { EMBEDDED, TESTCONTAINERS }

    private static final System.Logger LOG = System.getLogger(Infrastructure.class.getName());
    private static Infrastructure shared;

    private final Mode mode;
    private final PostgresServer postgres;
    private final KafkaServer kafka;
    private final boolean owned;

    private Infrastructure(Mode mode, PostgresServer postgres, KafkaServer kafka, boolean owned) {
        this.mode = mode;
        this.postgres = postgres;
        this.kafka = kafka;
        this.owned = owned;
    }

    /**
     * The JVM's shared servers, started on first use and stopped by a shutdown hook: never close them.
     * <p>
     * "One per JVM" holds even when this class is loaded more than once: Quarkus loads test dependencies with
     * a class loader per application (per test profile, say). The instance then lives in the copy of this class
     * the system class loader sees, and other copies talk to it through proxies of the two interfaces.
     */
    public static Infrastructure shared() {
        Class<?> canonical = canonicalClass();
        if (canonical == null || canonical == Infrastructure.class) {
            return sharedInThisClassLoader();
        }
        Object foreign = invoke(canonical, null, "shared");
        return new Infrastructure(
                Mode.valueOf(invoke(foreign.getClass(), foreign, "mode").toString()),
                proxy(PostgresServer.class, invoke(foreign.getClass(), foreign, "postgres")),
                proxy(KafkaServer.class, invoke(foreign.getClass(), foreign, "kafka")),
                false);
    }

    /** Starts a new, unshared pair; the caller closes it. */
    public static Infrastructure start(Mode mode) {
        long started = System.nanoTime();
        Infrastructure infrastructure = mode == Mode.TESTCONTAINERS
                ? startInParallel(mode, ContainerPostgresServer::startNew, ContainerKafkaServer::startNew)
                : startInParallel(mode, EmbeddedPostgresServer::startNew, EmbeddedKafkaServer::startNew);
        LOG.log(Level.INFO, () -> "Infrastructure (" + mode + ") started in "
                + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms: " + infrastructure.postgres()
                + ", " + infrastructure.kafka());
        return infrastructure;
    }

    /** The mode asked for by {@value #MODE_PROPERTY} (system property first, then environment). */
    public static Mode configuredMode() {
        String value = System.getProperty(MODE_PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv(MODE_PROPERTY);
        }
        if (value == null || value.isBlank()) {
            value = System.getenv(MODE_PROPERTY.toUpperCase(Locale.ROOT));
        }
        String mode = value == null || value.isBlank() ? "embedded" : value.trim().toLowerCase(Locale.ROOT);
        switch (mode) {
            case "embedded":
                return Mode.EMBEDDED;
            case "testcontainers":
                return Mode.TESTCONTAINERS;
            case "auto":
                return DockerClientFactory.instance().isDockerAvailable() ? Mode.TESTCONTAINERS : Mode.EMBEDDED;
            default:
                throw new IllegalArgumentException(MODE_PROPERTY + "=" + value
                        + " is not one of embedded, testcontainers, auto");
        }
    }

    public Mode mode() {
        return mode;
    }

    public PostgresServer postgres() {
        return postgres;
    }

    public KafkaServer kafka() {
        return kafka;
    }

    /** Stops both servers (not for {@link #shared()}: its shutdown hook does that). */
    @Override
    public void close() {
        if (!owned) {
            return;
        }
        try {
            kafka.close();
        } finally {
            postgres.close();
        }
    }

    private static synchronized Infrastructure sharedInThisClassLoader() {
        if (shared == null) {
            Infrastructure started = start(configuredMode());
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-infrastructure-shutdown"));
            shared = started;
        }
        return shared;
    }

    /** PostgreSQL takes about 1.5 s, Kafka about 3-4 s: start them together. */
    private static Infrastructure startInParallel(Mode mode, java.util.function.Supplier<? extends PostgresServer> postgres,
                                                  java.util.function.Supplier<? extends KafkaServer> kafka) {
        CompletableFuture<KafkaServer> kafkaStart = CompletableFuture.supplyAsync(kafka::get, task -> {
            Thread thread = new Thread(task, "infrastructure-kafka-start"); // not the common pool: keep our context loader
            thread.setDaemon(true);
            thread.start();
        });
        PostgresServer startedPostgres;
        try {
            startedPostgres = postgres.get();
        } catch (RuntimeException e) {
            kafkaStart.thenAccept(KafkaServer::close);
            throw e;
        }
        try {
            return new Infrastructure(mode, startedPostgres, kafkaStart.join(), true);
        } catch (CompletionException e) {
            startedPostgres.close();
            throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : e;
        }
    }

    private static Class<?> canonicalClass() {
        try {
            return Class.forName(Infrastructure.class.getName(), false, ClassLoader.getSystemClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    private static Object invoke(Class<?> type, Object target, String method) {
        try {
            return type.getMethod(method).invoke(target);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause()
                    : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot reach the shared infrastructure", e);
        }
    }

    /** Calls on an object of another class loader's copy of the interface; close() is left to its owner. */
    private static <T> T proxy(Class<T> type, Object target) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                switch (method.getName()) {
                    case "equals":
                        return self == args[0];
                    case "hashCode":
                        return System.identityHashCode(self);
                    default:
                        return target.toString();
                }
            }
            if (method.getName().equals("close")) {
                return null;
            }
            Method delegate = target.getClass().getMethod(method.getName(), method.getParameterTypes());
            try {
                return delegate.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }));
    }
}
