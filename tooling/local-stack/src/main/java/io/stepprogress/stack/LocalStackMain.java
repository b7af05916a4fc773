package io.stepprogress.stack;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code java -jar tooling/local-stack/target/local-stack.jar [options]}: starts the whole system, prints the URLs
 * and a line starting with READY, and stops every process on Ctrl-C or SIGTERM.
 */
public final class LocalStackMain {

    private static final String USAGE = """
            usage: ./local-stack.sh [options]
              --no-demo                 do not start the demo worker
              --demo-projects N         concurrent demo initializations (default 3)
              --reset                   delete the data directory first (events are kept across starts otherwise)
              --data-dir DIR            where PostgreSQL, Kafka and logs live (default target/local-stack)
              --postgres-port P         default 5432
              --kafka-port P            default 9092
              --progress-port P         default 8081
              --notifier-port P         default 8080
              --audit-port P            default 8082
              --alert-port P            default 8083
              --progress-management-port P, --notifier-management-port P, --audit-management-port P,
              --alert-management-port P  /q/health and /q/metrics (defaults 9081, 9080, 9082, 9083)
            """;

    /** How long the printed tokens and the login link stay valid: a working day. */
    private static final Duration PRINTED_TOKEN_TTL = Duration.ofHours(12);

    private LocalStackMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        long started = System.nanoTime();
        LocalStack.Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        LocalStack stack;
        try {
            stack = LocalStack.prepare(options);
        } catch (LocalStack.PortTakenException e) {
            System.err.println("cannot start: " + e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            System.err.println("cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        // Before the first process starts: a SIGTERM (or Ctrl-C) during startup stops what runs by then.
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean signalled = new AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            signalled.set(true);
            System.out.println("stopping every process ...");
            stack.close();
            System.out.println("stopped");
            stopped.countDown();
        }, "local-stack-stop"));
        try {
            stack.startAll(Duration.ofMinutes(3));
        } catch (RuntimeException e) {
            if (signalled.get()) {
                // The startup failed because the hook is stopping everything: the JVM ends when it is done.
                stopped.await();
                return;
            }
            System.err.println("cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }

        DevTokens tokens = DevTokens.issue(stack, PRINTED_TOKEN_TTL);
        System.out.println();
        System.out.println("  live page          " + stack.service(Service.NOTIFIER).url("/") + " (sign in with the link below)");
        System.out.println("  progress API       " + stack.service(Service.PROGRESS).url("/api/projects/") + "{id}/..."
                + "   OpenAPI " + stack.service(Service.PROGRESS).managementUrl("/q/swagger-ui"));
        System.out.println("  audit API          " + stack.service(Service.AUDIT).url("/api/audit/..."));
        System.out.println("  alerts             " + stack.service(Service.ALERT).url("/api/alerts"));
        System.out.println("  Kafka              " + stack.kafka().bootstrapServers());
        System.out.println("  PostgreSQL         " + stack.postgres().jdbcUrl("progress"));
        System.out.println("  metrics, health    " + Arrays.stream(Service.values())
                .map(service -> service.module() + " " + stack.service(service).managementUrl("/q/metrics"))
                .collect(Collectors.joining(", ")));
        System.out.println("  logs               " + stack.logs());
        System.out.println("  demo worker        " + (options.demo() ? options.demoProjects() + " projects at a time"
                : "off (--no-demo)"));
        System.out.println();
        System.out.println("  Development credentials (signed with the keys in " + stack.keys().directory() + ", valid "
                + PRINTED_TOKEN_TTL.toHours() + " h; also in " + tokens.file() + "):");
        System.out.println("  log the browser in for the demo projects (" + LocalStack.DEMO_PROJECTS + "):");
        System.out.println("    " + tokens.loginLink());
        System.out.println("  worker token (progress:write, projects [\"*\"], audience progress-service):");
        System.out.println("    export PROGRESS_TOKEN=" + tokens.worker());
        System.out.println("  operator token (progress:operator, projects [\"*\"]: progress reads, audit and alerts APIs):");
        System.out.println("    export OPERATOR_TOKEN=" + tokens.operator());
        System.out.printf(Locale.ROOT, "READY in %.1f s: every service answers /q/health/ready (Ctrl-C stops all)%n",
                (System.nanoTime() - started) / 1e9);
        stopped.await();
    }

    static LocalStack.Options parse(String[] args) {
        Path root = Path.of(System.getProperty("stack.root", ".")).toAbsolutePath().normalize();
        LocalStack.Options options = LocalStack.Options.defaults(root);
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            switch (option) {
                case "--no-demo" -> options = options.withDemo(false);
                case "--reset" -> options = options.withReset(true);
                case "--help", "-h" -> throw new IllegalArgumentException("step-progress local stack");
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(option + " needs a value");
                    }
                    String value = args[++i];
                    options = switch (option) {
                        case "--data-dir" -> options.withDataDir(Path.of(value).toAbsolutePath());
                        case "--demo-projects" -> options.withDemoProjects(number(option, value));
                        case "--postgres-port" -> options.withInfraPorts(port(option, value), options.kafkaPort());
                        case "--kafka-port" -> options.withInfraPorts(options.postgresPort(), port(option, value));
                        case "--progress-port" -> options.withPort(Service.PROGRESS, port(option, value));
                        case "--notifier-port" -> options.withPort(Service.NOTIFIER, port(option, value));
                        case "--audit-port" -> options.withPort(Service.AUDIT, port(option, value));
                        case "--alert-port" -> options.withPort(Service.ALERT, port(option, value));
                        case "--progress-management-port" ->
                                options.withManagementPort(Service.PROGRESS, port(option, value));
                        case "--notifier-management-port" ->
                                options.withManagementPort(Service.NOTIFIER, port(option, value));
                        case "--audit-management-port" -> options.withManagementPort(Service.AUDIT, port(option, value));
                        case "--alert-management-port" -> options.withManagementPort(Service.ALERT, port(option, value));
                        default -> throw new IllegalArgumentException("unknown option " + option);
                    };
                }
            }
        }
        return options;
    }

    private static int port(String option, String value) {
        int port = number(option, value);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(option + " must be a port 1..65535, got " + value);
        }
        return port;
    }

    private static int number(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number, got " + value);
        }
    }
}
