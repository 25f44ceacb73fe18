package io.vivarium.dashboard;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/** The dashboard as a user meets it in the browser: what the page shows and what they click. */
record Dashboard(ChromeDriver browser, String base) {

    static final Duration PATIENCE = Duration.ofSeconds(15);

    /** A fresh load; what an earlier page logged is dropped, so {@link #consoleErrors()} is this page's own. */
    static Dashboard open(ChromeDriver browser, int port) {
        Dashboard page = new Dashboard(browser, "http://127.0.0.1:" + port);
        browser.get("about:blank");
        browser.manage().logs().get(LogType.BROWSER);
        browser.get(page.base + "/");
        return page;
    }

    Dashboard awaitLive() {
        await().atMost(PATIENCE).ignoreExceptions()
                .until(() -> "live".equals(find("#live").getDomAttribute("data-state")));
        return this;
    }

    WebElement find(String css) {
        return browser.findElement(By.cssSelector(css));
    }

    List<WebElement> findAll(String css) {
        return browser.findElements(By.cssSelector(css));
    }

    Optional<WebElement> row(String taskId) {
        return findAll("#task-rows tr[data-task-id='" + taskId + "']").stream().findFirst();
    }

    WebElement awaitRow(String taskId) {
        return await().atMost(PATIENCE).ignoreExceptions().until(() -> row(taskId).orElse(null), r -> r != null);
    }

    /** Waits until the task's row shows {@code status}, then returns the row. */
    WebElement awaitRow(String taskId, String status) {
        await().atMost(PATIENCE).ignoreExceptions()
                .until(() -> row(taskId).map(r -> r.getDomAttribute("data-status")).orElse(""), status::equals);
        return row(taskId).orElseThrow();
    }

    void clickRowAction(String taskId, String action) {
        await().atMost(PATIENCE).ignoreExceptions().until(() -> {
            row(taskId).orElseThrow().findElement(By.cssSelector("button[data-action='" + action + "']")).click();
            return true;
        });
    }

    void openTask(String taskId) {
        awaitRow(taskId).findElement(By.cssSelector("th button")).click();
        await().atMost(PATIENCE).until(() -> find("#task-dialog").isDisplayed()
                && !find("#task-body").getText().contains("Loading"));
    }

    /** Console messages at error level since the last call: script errors, CSP violations, failed requests. */
    List<String> consoleErrors() {
        return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    void screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
