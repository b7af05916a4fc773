package io.stepprogress.demo;

import io.stepprogress.client.PlannedStep;
import io.stepprogress.client.ProblemDetails;
import io.stepprogress.client.ProgressClient;
import io.stepprogress.client.ProgressClientException;
import io.stepprogress.client.SubscriberToken;
import io.stepprogress.event.InitializationStatus;
import io.stepprogress.event.InitializationView;
import io.stepprogress.event.StepStatus;
import io.stepprogress.event.StepView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * progress-service's rules in memory (default plan, no regression, finished steps and initializations take
 * no updates, repeats are no-ops), usable directly as a {@link ProgressClient} and recording every call.
 */
class FakeProgressService implements ProgressClient {

    static final List<PlannedStep> DEFAULT_PLAN = List.of(
            new PlannedStep("clone", "Clone repository", 2),
            new PlannedStep("provision-database", "Provision database", 3),
            new PlannedStep("install-dependencies", "Install dependencies", 4),
            new PlannedStep("deploy-preview", "Deploy preview", 1));

    record Call(String op, String projectId, String step, Integer progress, String text) {
    }

    private static final class Step {
        final PlannedStep planned;
        StepStatus status = StepStatus.PENDING;
        int progress;
        String message;

        Step(PlannedStep planned) {
            this.planned = planned;
        }
    }

    private static final class Project {
        final String id;
        InitializationStatus status = InitializationStatus.PENDING;
        List<Step> steps = new ArrayList<>();
        long sequence;
        String message;
        String reason;

        Project(String id) {
            this.id = id;
        }
    }

    private final Map<String, Project> projects = new HashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> calls(String projectId) {
        return calls.stream().filter(c -> c.projectId().equals(projectId)).toList();
    }

    synchronized InitializationStatus status(String projectId) {
        return projects.get(projectId).status;
    }

    @Override
    public InitializationView start(String projectId) {
        return start(projectId, DEFAULT_PLAN, true);
    }

    /** The demo worker runs fresh projects only: it never asks for a second run. */
    @Override
    public InitializationView startRun(String projectId, int run, List<PlannedStep> steps) {
        throw new UnsupportedOperationException("the demo worker never starts a second run");
    }

    @Override
    public InitializationView startRun(String projectId, int run) {
        throw new UnsupportedOperationException("the demo worker never starts a second run");
    }

    @Override
    public InitializationView start(String projectId, List<PlannedStep> steps) {
        return start(projectId, steps, false);
    }

    private synchronized InitializationView start(String projectId, List<PlannedStep> plan, boolean defaultPlan) {
        calls.add(new Call("start", projectId, null, null, null));
        Project project = projects.computeIfAbsent(projectId, Project::new);
        boolean running = project.sequence > 0 && !project.status.finished();
        if (running) {
            if (!project.steps.stream().map(s -> s.planned).toList().equals(plan)) {
                throw conflict("Conflicting plan", "another plan is in progress");
            }
            return view(project);
        }
        project.steps = new ArrayList<>(plan.stream().map(Step::new).toList());
        project.status = InitializationStatus.PENDING;
        project.message = null;
        project.reason = null;
        project.sequence++;
        return view(project);
    }

    @Override
    public synchronized InitializationView reportProgress(String projectId, String stepName, int progress, String message) {
        calls.add(new Call("progress", projectId, stepName, progress, message));
        Project project = project(projectId);
        Step step = step(project, stepName);
        requireOpen(project, step);
        if (progress < 0 || progress > 100) {
            throw ProgressClientException.forProblem(ProblemDetails.of(400, "Invalid request",
                    "progress must be between 0 and 100"), null);
        }
        if (progress < step.progress) {
            throw conflict("Progress regression", "step '" + stepName + "' is at " + step.progress + "%");
        }
        step.status = StepStatus.RUNNING;
        project.status = InitializationStatus.RUNNING;
        step.progress = progress;
        step.message = message == null ? step.message : message;
        project.message = step.message;
        project.sequence++;
        return view(project);
    }

    @Override
    public synchronized InitializationView complete(String projectId, String stepName, String message) {
        calls.add(new Call("complete", projectId, stepName, null, message));
        Project project = project(projectId);
        Step step = step(project, stepName);
        if (step.status == StepStatus.COMPLETED) {
            return view(project);
        }
        requireOpen(project, step);
        step.status = StepStatus.COMPLETED;
        step.progress = 100;
        step.message = message == null ? step.message : message;
        project.status = project.steps.stream().allMatch(s -> s.status == StepStatus.COMPLETED)
                ? InitializationStatus.COMPLETED : InitializationStatus.RUNNING;
        project.sequence++;
        return view(project);
    }

    @Override
    public synchronized InitializationView fail(String projectId, String stepName, String reason) {
        calls.add(new Call("fail", projectId, stepName, null, reason));
        Project project = project(projectId);
        Step step = step(project, stepName);
        if (step.status == StepStatus.FAILED && Objects.equals(step.message, reason)) {
            return view(project);
        }
        requireOpen(project, step);
        step.status = StepStatus.FAILED;
        step.message = reason;
        project.status = InitializationStatus.FAILED;
        project.reason = reason;
        project.sequence++;
        return view(project);
    }

    @Override
    public synchronized InitializationView cancel(String projectId, String reason) {
        calls.add(new Call("cancel", projectId, null, null, reason));
        Project project = project(projectId);
        if (project.status == InitializationStatus.CANCELLED) {
            return view(project);
        }
        if (project.status.finished()) {
            throw conflict("Initialization finished", "it is " + project.status.wireName());
        }
        project.status = InitializationStatus.CANCELLED;
        project.reason = reason;
        project.sequence++;
        return view(project);
    }

    @Override
    public synchronized InitializationView progress(String projectId) {
        calls.add(new Call("view", projectId, null, null, null));
        return view(project(projectId));
    }

    /** The demo worker never hands out subscriber tokens: a call here is a bug in it. */
    @Override
    public SubscriberToken issueSubscriberToken(String projectId, String subject, Duration ttl) {
        throw new UnsupportedOperationException("the demo worker does not issue subscriber tokens");
    }

    private Project project(String projectId) {
        Project project = projects.get(projectId);
        if (project == null || project.sequence == 0) {
            throw ProgressClientException.forProblem(ProblemDetails.of(404, "Unknown project", projectId), null);
        }
        return project;
    }

    private static Step step(Project project, String name) {
        return project.steps.stream().filter(s -> s.planned.name().equals(name)).findFirst()
                .orElseThrow(() -> ProgressClientException.forProblem(ProblemDetails.of(404, "Unknown step", name), null));
    }

    private static void requireOpen(Project project, Step step) {
        if (project.status.finished()) {
            throw conflict("Initialization finished", "it is " + project.status.wireName());
        }
        if (step.status.finished()) {
            throw conflict("Step finished", "step '" + step.planned.name() + "' is " + step.status.wireName());
        }
    }

    private static ProgressClientException conflict(String title, String detail) {
        return ProgressClientException.forProblem(ProblemDetails.of(409, title, detail), null);
    }

    private static InitializationView view(Project project) {
        Instant now = Instant.parse("2026-11-28T10:15:30Z");
        int totalWeight = project.steps.stream().mapToInt(s -> s.planned.weight()).sum();
        double weighted = project.steps.stream().mapToDouble(s -> s.planned.weight()
                * (s.status == StepStatus.COMPLETED ? 100 : s.progress)).sum();
        List<StepView> steps = project.steps.stream().map(s -> new StepView(s.planned.name(), s.planned.label(),
                s.planned.weight(), s.status, s.progress, s.message, null, null)).toList();
        String current = project.status.finished() ? null : project.steps.stream()
                .filter(s -> !s.status.finished()).map(s -> s.planned.name()).findFirst().orElse(null);
        return new InitializationView(project.id, project.status, Math.round(weighted * 10.0 / totalWeight) / 10.0,
                project.message, current, project.sequence, now, now, project.status.finished() ? now : null,
                project.reason, steps);
    }
}
