package io.vivarium.dashboard;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;
import org.opentest4j.TestAbortedException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's headless {@code chromium}, driven through its {@code chromedriver}, one browser per test class and
 * injected as a {@link ChromeDriver} parameter. Both are given by path, so Selenium Manager never looks for (or
 * downloads) anything. When they are missing the tests fail with {@code CI=true} and are skipped otherwise.
 */
public final class Chromium implements BeforeAllCallback, AfterAllCallback, ParameterResolver, TestWatcher {

    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final String INSTALL = "apt-get install -y chromium chromium-driver";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Chromium.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        requireInstalled();
        context.getStore(NAMESPACE).put(ChromeDriver.class, start());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        ChromeDriver driver = context.getStore(NAMESPACE).remove(ChromeDriver.class, ChromeDriver.class);
        if (driver != null) {
            driver.quit();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == ChromeDriver.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).get(ChromeDriver.class, ChromeDriver.class);
    }

    /** What the page looked like when a test failed: {@code target/dashboard-failures/<test>.png} and its text. */
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        ChromeDriver driver = context.getStore(NAMESPACE).get(ChromeDriver.class, ChromeDriver.class);
        if (driver == null) {
            return;
        }
        try {
            Path dir = Files.createDirectories(Path.of("target", "dashboard-failures"));
            String name = context.getRequiredTestClass().getSimpleName() + "." + context.getRequiredTestMethod().getName();
            Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
            Files.writeString(dir.resolve(name + ".txt"), driver.findElement(org.openqa.selenium.By.tagName("body")).getText());
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }

    static void requireInstalled() {
        requireInstalled(List.of(BROWSER, DRIVER), System.getenv("CI"));
    }

    static void requireInstalled(List<Path> programs, String ci) {
        List<Path> missing = programs.stream().filter(p -> !Files.isExecutable(p)).toList();
        if (missing.isEmpty()) {
            return;
        }
        String message = "the dashboard's browser tests need " + missing + " (Debian: " + INSTALL + ")";
        if ("true".equalsIgnoreCase(ci)) {
            throw new IllegalStateException(message + "; CI=true, so this is a failure, not a skip");
        }
        throw new TestAbortedException("skipped: " + message);
    }

    private static ChromeDriver start() {
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .withLogOutput(OutputStream.nullOutputStream())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-extensions", "--no-first-run", "--window-size=1400,1000", "--force-color-profile=srgb",
                "--lang=en-US");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "light"))));
        return driver;
    }
}
