package io.stepprogress.notifier.page;

import static io.stepprogress.testkit.EventPublisher.publish;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stepprogress.testkit.Events;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import io.stepprogress.security.ProjectPatterns;
import io.stepprogress.security.Scopes;
import io.stepprogress.testkit.Chromium;
import io.stepprogress.testkit.TestTokens;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The live progress page in a real headless Chromium, fed by events published to the real Kafka topic:
 * the page must follow a run from "waiting" to "finished" through its SSE stream alone. Every test signs in
 * as a user would, through a {@code /#token=} link; the token must then be neither in the address nor
 * readable by scripts. Screenshots go to {@code target/screenshots}.
 */
@QuarkusTest
class ProgressPageBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path SCREENSHOTS = Path.of(System.getProperty("basedir", "."), "target", "screenshots");

    private static Chromium browser;

    @TestHTTPResource("/")
    URL page;

    @BeforeAll
    static void startBrowser() {
        browser = Chromium.start();
    }

    @AfterAll
    static void quitBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    /** Each test starts signed out: no cookie, nor remembered session, of an earlier test's. */
    @BeforeEach
    void signedOut() {
        ((ChromeDriver) driver()).executeCdpCommand("Network.clearBrowserCookies", Map.of());
        driver().get(page + "app.css");   // any document of the page's origin, to reach its sessionStorage
        browser.script("sessionStorage.clear();");
        driver().get("about:blank");
    }

    @AfterEach
    void noScriptErrors() {
        List<String> errors = browser.pageErrors();
        driver().get("about:blank");   // closes the page's streams before the next test
        browser.windowSize(1280, 900);
        assertThat(errors).as("script errors or Content-Security-Policy violations on the page").isEmpty();
    }

    @Test
    void followsARunFromWaitingToFinished() {
        Events.Run run = Events.plan(id("run"), "a", "b", "c");
        String token = TestTokens.subscriber(run.projectId());
        signIn(token);

        // A single-project link opens that project; the token has left the address and is not readable.
        browser.await(WAIT, d -> d.getCurrentUrl().endsWith("#/projects/" + run.projectId()),
                () -> "the URL is " + driver().getCurrentUrl());
        assertThat(driver().getCurrentUrl()).doesNotContain(token).doesNotContain("token=");
        assertThat((String) browser.script("return document.cookie;"))
                .doesNotContain(token).doesNotContain("progress_subscriber");
        assertThat((String) browser.script("return JSON.stringify(sessionStorage);")).doesNotContain(token);

        // Nothing published yet: the stream is open and the page waits.
        awaitText(By.cssSelector(".waiting"), "Waiting for the initialization to start");
        awaitConnection("live");
        assertThat(driver().findElement(By.id("project-status")).isDisplayed()).isFalse();

        publish(run.initialized());
        awaitStatus("pending");
        awaitOverall(0);
        for (String step : List.of("a", "b", "c")) {
            awaitStep(step, 0, "pending");
        }
        assertThat(driver().findElement(By.cssSelector(".waiting")).isDisplayed()).isFalse();
        assertAccessibleBars();

        publish(run.progress("a", 40));
        awaitStep("a", 40, "running");
        awaitOverall(13.3);
        awaitStatus("running");

        publish(run.progress("b", 70));
        awaitStep("b", 70, "running");
        awaitOverall(36.7);

        publish(run.complete("a"));
        awaitStep("a", 100, "completed");
        awaitOverall(56.7);
        awaitStep("c", 0, "pending");
        assertThat(stepRow("a").findElement(By.cssSelector(".step-elapsed")).getText()).startsWith("took ");
        assertThat(stepRow("b").findElement(By.cssSelector(".step-elapsed")).getText()).startsWith("running for ");
        assertThat(stepRow("b").findElement(By.cssSelector(".step-message")).getText()).isEqualTo("at 70%");
        assertThat(driver().findElement(By.id("project-reason")).isDisplayed()).isFalse();
        assertThat(driver().findElement(By.id("eta")).isDisplayed()).as("no ETA without one in the view").isFalse();
        awaitConnection("live");
        browser.screenshot(SCREENSHOTS.resolve("progress-page.png"));

        publish(run.progress("c", 50));
        awaitStep("c", 50, "running");
        awaitOverall(73.3);

        publish(run.complete("b"));
        awaitStep("b", 100, "completed");
        awaitOverall(83.3);

        publish(run.complete("c"));
        awaitStep("c", 100, "completed");
        awaitOverall(100);
        awaitStatus("completed");
        awaitConnection("finished");
        assertThat(driver().findElement(By.id("connection-state")).getText()).isEqualTo("finished");
        browser.screenshot(SCREENSHOTS.resolve("progress-page-completed.png"));
    }

    @Test
    void aFailedRunShowsItsReason() {
        Events.Run run = Events.plan(id("fail"), "a", "b");
        publish(run.initialized());
        publish(run.progress("a", 30));
        signIn(TestTokens.subscriber(run.projectId()));
        open("#/projects/" + run.projectId());

        // Opened after two events: the snapshot brings the page up to date at once.
        awaitStep("a", 30, "running");
        awaitOverall(15);

        publish(run.fail("a", "disk full on /var/lib/projects"));
        awaitStep("a", 30, "failed");
        awaitStatus("failed");
        awaitText(By.id("project-reason"), "disk full on /var/lib/projects");
        assertThat(driver().findElement(By.id("project-reason")).isDisplayed()).isTrue();
        awaitStep("b", 0, "pending");
        awaitConnection("finished");
        browser.screenshot(SCREENSHOTS.resolve("progress-page-failed.png"));

        // The same page on a phone-sized screen still shows every bar.
        browser.windowSize(390, 844);
        driver().navigate().refresh();
        awaitStatus("failed");
        awaitConnection("finished");
        assertThat(driver().findElements(By.cssSelector("[role=progressbar]")))
                .hasSize(3)
                .allSatisfy(bar -> assertThat(bar.getSize().getWidth()).isGreaterThan(250));
        browser.screenshot(SCREENSHOTS.resolve("progress-page-narrow.png"));
    }

    @Test
    void theOverviewListsProjectsLiveAndOpensOne() {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        Events.Run running = Events.plan("checkout-api-" + suffix, "a", "b");
        Events.Run done = Events.plan("billing-web-" + suffix, "a");
        Events.Run failed = Events.plan("search-index-" + suffix, "a", "b");
        publish(done.initialized());
        publish(done.complete("a"));
        publish(failed.initialized());
        publish(failed.progress("a", 60));
        publish(failed.fail("a", "schema migration timed out"));
        publish(running.initialized());
        publish(running.progress("a", 25));
        Events.Run other = Events.plan(id("not-mine"), "a");
        publish(other.initialized());

        // A pattern token: the overview, of the projects it allows only.
        signIn(TestTokens.subscriber("*-" + suffix));
        browser.await(WAIT, d -> d.getCurrentUrl().endsWith("#/"), () -> "the URL is " + driver().getCurrentUrl());
        open("");
        By row = By.cssSelector("a.project-row[data-project='" + running.projectId() + "']");
        awaitBar(row, 12.5);
        awaitRowStatus(done.projectId(), "completed");
        awaitRowStatus(failed.projectId(), "failed");
        awaitConnection("live");
        assertThat(driver().findElements(By.cssSelector("a.project-row[data-project='" + other.projectId() + "']")))
                .as("a project the token does not allow").isEmpty();

        // Live: a change arrives over /api/events and moves the bar and the order.
        publish(running.progress("a", 80));
        awaitBar(row, 40);
        awaitRowStatus(running.projectId(), "running");
        browser.await(WAIT, d -> d.findElements(By.cssSelector("a.project-row")).get(0)
                        .getDomAttribute("data-project").equals(running.projectId()),
                () -> "the most recently updated project is not first");
        WebElement bar = driver().findElement(row).findElement(By.cssSelector("[role=progressbar]"));
        assertThat(bar.getDomAttribute("aria-label")).contains(running.projectId());
        browser.screenshot(SCREENSHOTS.resolve("overview.png"));

        // The status filter keeps only the failed ones.
        driver().findElement(By.cssSelector("button.filter[data-status='failed']")).click();
        browser.await(WAIT, d -> d.findElements(row).isEmpty()
                        && !d.findElements(By.cssSelector("a.project-row[data-project='" + failed.projectId() + "']"))
                                .isEmpty(),
                () -> "the failed filter does not show only failed projects");
        driver().findElement(By.cssSelector("button.filter[data-status='all']")).click();

        // Clicking a project opens its detail.
        driver().findElement(row).click();
        browser.await(WAIT, d -> d.getCurrentUrl().endsWith("#/projects/" + running.projectId()),
                () -> "the URL is " + driver().getCurrentUrl());
        awaitStep("a", 80, "running");
        awaitOverall(40);
        awaitStatus("running");
    }

    @Test
    void withoutASessionThePageSaysSoInsteadOfReconnecting() {
        open("");
        awaitAccess("signed-out", "Not signed in");
        awaitConnection("signed-out");

        Events.Run run = Events.plan(id("nobody"), "a");
        open("#/projects/" + run.projectId());
        awaitAccess("signed-out", "Not signed in");
        browser.screenshot(SCREENSHOTS.resolve("signed-out.png"));
    }

    @Test
    void aSessionForAnotherProjectIsRefusedThere() {
        Events.Run mine = Events.plan(id("mine"), "a");
        Events.Run theirs = Events.plan(id("theirs"), "a");
        publish(theirs.initialized());
        signIn(TestTokens.subscriber(mine.projectId()));
        browser.await(WAIT, d -> d.getCurrentUrl().endsWith("#/projects/" + mine.projectId()),
                () -> "the URL is " + driver().getCurrentUrl());

        open("#/projects/" + theirs.projectId());
        awaitAccess("denied", "No access to this project");
        awaitConnection("denied");
        // The overview is not covered by a single-project session: the page points at the project it covers.
        open("");
        awaitAccess("signed-out", "Not signed in");
        awaitText(By.cssSelector("#access a.access-link"), mine.projectId());
    }

    @Test
    void aBadLinkSignsNobodyIn() {
        signIn(TestTokens.expired(Scopes.SUBSCRIBE));
        awaitAccess("link-expired", "Sign-in link expired");
        assertThat(driver().getCurrentUrl()).doesNotContain("token=");

        signIn(TestTokens.malformed());
        awaitAccess("link-invalid", "Sign-in failed");
        assertThat(driver().getCurrentUrl()).doesNotContain("token=");
    }

    @Test
    void theStreamEndsWhenTheSessionExpires() {
        Events.Run run = Events.plan(id("expiring"), "a");
        publish(run.initialized());
        signIn(TestTokens.token(ProjectPatterns.of(run.projectId()), Duration.ofSeconds(5), Scopes.SUBSCRIBE));
        awaitStatus("pending");

        // At the token's expiry the server sends `expired` and closes; the page stops and says so.
        awaitAccess("expired", "Session expired");
        awaitConnection("expired");
        browser.screenshot(SCREENSHOTS.resolve("session-expired.png"));
    }

    @Test
    void theEtaReadsAsAboutSoLongLeftAtMostSoLong() {
        open("");
        awaitAccess("signed-out", "Not signed in");
        // The page's own module, as the detail page and <step-progress> use it.
        @SuppressWarnings("unchecked")
        List<String> texts = (List<String>) ((JavascriptExecutor) driver()).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/format.js').then(({ etaText }) => done([
                  etaText({ status: 'running', eta: { p50: 118, p90: 236, basis: 12 } }),
                  etaText({ status: 'running', eta: { p50: 45, p90: 130, basis: 3 } }),
                  etaText({ status: 'pending', eta: { p50: 30, p90: 30, basis: 1 } }),
                  etaText({ status: 'running', eta: null }),
                  etaText({ status: 'running' }),
                  etaText({ status: 'completed', eta: { p50: 0, p90: 0, basis: 5 } }),
                ]), (e) => done(['import failed: ' + e]));
                """);
        assertThat(texts).containsExactly("about 2 min left, at most 4", "about 45 s left, at most 2 min",
                "about 30 s left", "", "", "");
    }

    // ------------------------------------------------------------------------------------------------

    /** Follows a sign-in link, as the host application's user would. */
    private void signIn(String token) {
        driver().get(page.toString() + "#token=" + token);
        browser.await(WAIT, d -> !d.getCurrentUrl().contains("token="),
                () -> "the sign-in token is still in the URL: " + describe());
    }

    private static void awaitAccess(String kind, String title) {
        browser.await(WAIT, d -> kind.equals(d.findElement(By.id("access")).getDomAttribute("data-access")),
                () -> "the page does not show '" + kind + "': " + describe());
        awaitText(By.cssSelector("#access .access-title"), title);
    }

    private void open(String fragment) {
        driver().get(page.toString() + fragment);
        assertThat(driver().getTitle()).isEqualTo("Step progress");
    }

    private static WebDriver driver() {
        return browser.driver();
    }

    private static String id(String prefix) {
        return "page-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static WebElement stepRow(String step) {
        return driver().findElement(By.cssSelector("[data-step-row='" + step + "']"));
    }

    private static void awaitOverall(double expected) {
        awaitBar(By.id("overall-progress"), expected);
    }

    private static void awaitStep(String step, double progress, String status) {
        awaitBar(By.cssSelector("[role=progressbar][data-step='" + step + "']"), progress);
        browser.await(WAIT, d -> stepRow(step).findElement(By.cssSelector(".step-status")).getText().equals(status),
                () -> "step " + step + " is not " + status + ": " + describe());
    }

    private static void awaitStatus(String status) {
        browser.await(WAIT, d -> d.findElement(By.id("project-status")).getText().equals(status),
                () -> "project-status is not " + status + ": " + describe());
    }

    private static void awaitRowStatus(String projectId, String status) {
        browser.await(WAIT, d -> d.findElement(By.cssSelector("a.project-row[data-project='" + projectId + "'] .badge"))
                        .getText().equals(status),
                () -> projectId + " is not listed as " + status);
    }

    private static void awaitConnection(String state) {
        browser.await(WAIT, d -> state.equals(d.findElement(By.id("connection-state")).getDomAttribute("data-state")),
                () -> "connection-state is not " + state + ": " + describe());
    }

    private static void awaitText(By locator, String text) {
        browser.await(WAIT, d -> d.findElement(locator).getText().contains(text),
                () -> locator + " does not show '" + text + "': " + describe());
    }

    /** Waits for the progress bar at (or inside) {@code locator} to report {@code expected} (one decimal). */
    private static void awaitBar(By locator, double expected) {
        browser.await(WAIT, d -> {
            WebElement element = d.findElement(locator);
            WebElement bar = "progressbar".equals(element.getDomAttribute("role"))
                    ? element : element.findElement(By.cssSelector("[role=progressbar]"));
            String now = bar.getDomAttribute("aria-valuenow");
            return now != null && Math.abs(Double.parseDouble(now) - expected) < 0.05;
        }, () -> locator + " is not at " + expected + ": " + describe());
    }

    private static void assertAccessibleBars() {
        List<WebElement> bars = driver().findElements(By.cssSelector("[role=progressbar]"));
        assertThat(bars).hasSize(4);
        for (WebElement bar : bars) {
            assertThat(bar.getDomAttribute("aria-valuemin")).isEqualTo("0");
            assertThat(bar.getDomAttribute("aria-valuemax")).isEqualTo("100");
            assertThat(bar.getDomAttribute("aria-valuenow")).isNotBlank();
            assertThat(bar.getDomAttribute("aria-label")).isNotBlank();
        }
        assertThat(driver().findElement(By.id("overall-progress")).getDomAttribute("aria-label"))
                .isEqualTo("Overall progress");
        assertThat(driver().findElement(By.cssSelector("[data-step='a']")).getDomAttribute("aria-label"))
                .isEqualTo("Step a");
    }

    /** What the page shows, for failure messages. */
    private static String describe() {
        try {
            Object state = browser.script("""
                    const q = (s) => document.querySelector(s);
                    const bars = [...document.querySelectorAll('[role=progressbar]')]
                        .map(b => (b.id || b.dataset.step || b.getAttribute('aria-label')) + '=' + b.getAttribute('aria-valuenow'));
                    return 'url=' + location.href
                        + ' connection=' + q('#connection-state')?.dataset.state
                        + ' status=' + q('#project-status')?.textContent
                        + ' bars=[' + bars.join(', ') + ']'
                        + ' steps=[' + [...document.querySelectorAll('.step-status')].map(s => s.textContent).join(', ') + ']';
                    """);
            String console = browser.console().stream().map(e -> e.getLevel() + " " + e.getMessage())
                    .collect(Collectors.joining(" | "));
            return state + (console.isEmpty() ? "" : " console: " + console);
        } catch (RuntimeException e) {
            return "(page state unavailable: " + e.getMessage() + ")";
        }
    }
}
