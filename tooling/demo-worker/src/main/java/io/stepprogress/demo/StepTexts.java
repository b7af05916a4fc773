package io.stepprogress.demo;

import java.util.List;
import java.util.Locale;
import java.util.Random;

/** What a real worker would say while running a step, when done, and when it fails. */
final class StepTexts {

    private static final List<String> GENERIC_FAILURES = List.of(
            "worker killed: exit code 137 (out of memory)",
            "lost connection to the build agent");

    private static final List<String> CANCEL_REASONS = List.of(
            "cancelled by user",
            "superseded by a newer push",
            "project deleted while initializing");

    private StepTexts() {
    }

    static String progress(String step, int progress) {
        return switch (step) {
            case "clone" -> progress < 60 ? "Receiving objects: " + progress + "%"
                    : "Resolving deltas: " + Math.min(100, (progress - 60) * 100 / 40) + "%";
            case "provision-database" -> progress < 40 ? "creating database instance"
                    : progress < 70 ? "waiting for the instance to accept connections"
                    : "applying migrations (" + Math.max(1, (progress - 70) * 12 / 30) + "/12)";
            case "install-dependencies" -> progress < 20 ? "resolving dependency tree"
                    : progress < 85 ? "fetching packages (" + (progress * 1342 / 100) + "/1342)"
                    : "linking dependencies";
            case "deploy-preview" -> progress < 50 ? "building preview image"
                    : progress < 90 ? "uploading assets" : "switching traffic";
            default -> step.replace('-', ' ') + ": " + progress + "%";
        };
    }

    static String done(String step, String projectId, Random random) {
        return switch (step) {
            case "clone" -> "cloned main@" + Integer.toHexString(0x1000000 + random.nextInt(0xefffff)).substring(0, 7);
            case "provision-database" -> "database ready (postgres 17, 12 migrations)";
            case "install-dependencies" -> "added 1342 packages in " + (8 + random.nextInt(50)) + "s";
            case "deploy-preview" -> "preview live at https://" + projectId.toLowerCase(Locale.ROOT) + ".preview.example.com";
            default -> step.replace('-', ' ') + " done";
        };
    }

    static String failure(String step, Random random) {
        List<String> reasons = switch (step) {
            case "clone" -> List.of(
                    "fatal: unable to access 'https://git.example.com/acme/shop.git/': Could not resolve host",
                    "remote: Repository not found.");
            case "provision-database" -> List.of(
                    "quota exceeded for database instances",
                    "timed out after 300s waiting for the database to accept connections");
            case "install-dependencies" -> List.of(
                    "npm ERR! network timeout",
                    "npm ERR! code ERESOLVE: unable to resolve dependency tree");
            case "deploy-preview" -> List.of(
                    "build failed: JavaScript heap out of memory",
                    "preview rejected: image exceeds 2 GB");
            default -> GENERIC_FAILURES;
        };
        return reasons.get(random.nextInt(reasons.size()));
    }

    static String cancelReason(Random random) {
        return CANCEL_REASONS.get(random.nextInt(CANCEL_REASONS.size()));
    }
}
