package io.stepprogress.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium driven by the system's chromedriver (both from apt), with a fresh profile per start
 * and never any download: Selenium Manager stays offline ({@code SE_OFFLINE=true}, set by surefire).
 * Missing binaries fail the test with how to install them; they are never a reason to skip.
 */
public final class Chromium implements AutoCloseable {

    public static final String CHROMIUM = System.getProperty("chromium.binary", "/usr/bin/chromium");
    public static final String CHROMEDRIVER = System.getProperty("chromedriver.binary", "/usr/bin/chromedriver");

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private Chromium(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    public static Chromium start() {
        requireExecutable(CHROMIUM, "chromium", "-Dchromium.binary");
        requireExecutable(CHROMEDRIVER, "chromium-driver", "-Dchromedriver.binary");
        Path profile;
        try {
            profile = Files.createTempDirectory("chromium-profile-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM)
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--disable-dev-shm-usage", "--hide-scrollbars", "--lang=en-US", "--window-size=1280,900",
                        "--user-data-dir=" + profile.toAbsolutePath());
        // The page's console, to fail on script errors and Content-Security-Policy violations.
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
            return new Chromium(service, driver, profile);
        } catch (RuntimeException e) {
            service.stop();
            deleteRecursively(profile);
            throw e;
        }
    }

    private static void requireExecutable(String path, String aptPackage, String property) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException(path + " is missing: the browser test needs Chromium and chromedriver. "
                    + "Install them with `DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver` "
                    + "(package " + aptPackage + "), or point " + property + "=... at another binary.");
        }
    }

    public WebDriver driver() {
        return driver;
    }

    /** Waits for {@code condition} to return a non-null, non-false value; element churn is retried. */
    public <T> T await(Duration timeout, Function<WebDriver, T> condition, Supplier<String> message) {
        WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(50));
        wait.ignoring(NoSuchElementException.class).ignoring(StaleElementReferenceException.class);
        wait.withMessage(message);
        return wait.until(condition);
    }

    public Object script(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /**
     * Waits until no CSS transition runs, in shadow roots too (bars have reached their width), then saves a PNG
     * of the whole page, not just the viewport.
     */
    public Path screenshot(Path file) {
        await(Duration.ofSeconds(5),
                d -> Boolean.TRUE.equals(script("""
                        // Custom elements animate inside their shadow roots, which the document's list leaves out.
                        const roots = [document, ...[...document.querySelectorAll('*')].map(e => e.shadowRoot).filter(Boolean)];
                        return roots.every(r => r.getAnimations().every(a => !(a instanceof CSSTransition)));
                        """)),
                () -> "transitions still running");
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, fullPage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private byte[] fullPage() {
        try {
            Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
            @SuppressWarnings("unchecked")
            Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
            Map<String, Object> clip = Map.of("x", 0, "y", 0,
                    "width", ((Number) size.get("width")).doubleValue(),
                    "height", ((Number) size.get("height")).doubleValue(), "scale", 1);
            Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot",
                    Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
            return Base64.getDecoder().decode((String) shot.get("data"));
        } catch (RuntimeException e) {
            // DevTools unavailable: the viewport will do.
            return driver.getScreenshotAs(OutputType.BYTES);
        }
    }

    public void windowSize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Console entries since the last call (reading clears them). */
    public List<LogEntry> console() {
        return driver.manage().logs().get(LogType.BROWSER).getAll();
    }

    /**
     * Script errors and policy violations since the last call. A missing favicon is no error of the page's.
     */
    public List<String> pageErrors() {
        return console().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(m -> !m.contains("favicon.ico"))
                .filter(m -> m.contains("Uncaught") || m.contains("Content Security Policy") || m.contains("Refused")
                        || m.contains("SyntaxError") || m.contains("TypeError") || m.contains("ReferenceError"))
                .collect(Collectors.toList());
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteRecursively(profile);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir: best effort
        }
    }
}
