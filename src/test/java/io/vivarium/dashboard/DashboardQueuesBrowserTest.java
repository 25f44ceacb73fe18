package io.vivarium.dashboard;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.api.VivariumServer;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.ServerWorkspace;
import io.vivarium.task.FlowSettings;
import io.vivarium.task.QueueLimits;
import io.vivarium.task.Rate;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dashboard's Queues panel in a real headless Chromium: pausing and resuming a queue and the whole workspace,
 * and setting a queue's limits, each checked in the workspace's own files and in what the page then shows.
 */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token="})
@ExtendWith(Chromium.class)
class DashboardQueuesBrowserTest {

    static final Path WORKSPACE = ServerWorkspace.create("dashboard-queues");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
    }

    @LocalServerPort
    int port;

    private static FlowSettings flow() {
        return new FileTaskStore(WORKSPACE, Clock.systemUTC()).flow().settings();
    }

    @Test
    void aQueuePausedFromThePanelIsPausedEverywhereAndItsTasksSaySo(ChromeDriver browser) {
        new FileTaskStore(WORKSPACE, Clock.systemUTC()).add(List.of(aTask("d1").queue("deploys").build(),
                aTask("plain").build()));
        Dashboard page = Dashboard.open(browser, port).awaitLive();
        WebElement deploys = awaitQueue(page, "deploys", "false");
        assertThat(deploys.getText()).contains("deploys", "Open");

        deploys.findElement(By.cssSelector("button[data-action='pause']")).click();

        await().atMost(Dashboard.PATIENCE).until(() -> flow().of("deploys").paused());
        WebElement paused = awaitQueue(page, "deploys", "true");
        assertThat(paused.getText()).contains("Paused");
        assertThat(paused.findElement(By.cssSelector("button[data-action='resume']")).getText()).isEqualTo("Resume");
        assertThat(awaitQueue(page, "default", "false").getText()).as("another queue is not").contains("Open");
        page.openTask("d1");
        await().atMost(Dashboard.PATIENCE).ignoreExceptions().until(() -> page.find("#task-body .callout.wait-paused")
                .getText().contains("queue 'deploys' is paused"));
        page.find("#task-dialog [data-close]").click();

        awaitQueue(page, "deploys", "true").findElement(By.cssSelector("button[data-action='resume']")).click();
        await().atMost(Dashboard.PATIENCE).until(() -> !flow().of("deploys").paused());
        assertThat(awaitQueue(page, "deploys", "false").getText()).contains("Open");
        assertThat(page.consoleErrors()).isEmpty();
    }

    @Test
    void theWholeWorkspaceIsPausedAndResumedFromThePanelAndAPauseFromElsewhereShowsLive(ChromeDriver browser) {
        new FileTaskStore(WORKSPACE, Clock.systemUTC()).add(List.of(aTask("w1").build()));
        Dashboard page = Dashboard.open(browser, port).awaitLive();
        awaitQueue(page, "default", "false");

        page.find("#pause-workspace").click();

        await().atMost(Dashboard.PATIENCE).until(() -> flow().paused());
        assertThat(awaitQueue(page, "default", "true").getText()).contains("Held: workspace paused");
        assertThat(page.find("#queues-state").getText()).contains("The workspace is paused");
        assertThat(page.find("#pause-workspace").getText()).isEqualTo("Resume everything");
        await().atMost(Dashboard.PATIENCE).until(() -> page.find("#next").getText()
                .contains("The workspace is paused"));

        page.find("#pause-workspace").click();
        await().atMost(Dashboard.PATIENCE).until(() -> !flow().paused());
        awaitQueue(page, "default", "false");
        await().atMost(Dashboard.PATIENCE).until(() -> page.find("#queues-state").getText().isEmpty());

        // A pause made by another process (the CLI's 'vivarium pause') reaches the open page without a reload.
        new FileTaskStore(WORKSPACE, Clock.systemUTC()).changeFlow(f -> f.withPaused(true));
        assertThat(awaitQueue(page, "default", "true").getText()).contains("Held: workspace paused");
        new FileTaskStore(WORKSPACE, Clock.systemUTC()).changeFlow(f -> f.withPaused(false));
        awaitQueue(page, "default", "false");
        assertThat(page.consoleErrors()).isEmpty();
    }

    @Test
    void limitsAreSetFromTheFormAndABadOneIsShownAtItsFieldAndChangesNothing(ChromeDriver browser) {
        new FileTaskStore(WORKSPACE, Clock.systemUTC()).add(List.of(aTask("t1").queue("tests").build()));
        Dashboard page = Dashboard.open(browser, port).awaitLive();
        awaitQueue(page, "tests", "false").findElement(By.cssSelector("button[data-action='limits']")).click();
        assertThat(page.find("#queue-form input[name='queue']").getDomProperty("value")).isEqualTo("tests");

        page.find("#queue-form input[name='concurrency']").sendKeys("2");
        page.find("#queue-form input[name='rate']").sendKeys("3/s");
        page.find("#queue-form button[type='submit']").click();

        await().atMost(Dashboard.PATIENCE).until(() -> flow().of("tests").equals(
                new QueueLimits(2, Rate.parse("3/s"), false)));
        await().atMost(Dashboard.PATIENCE).ignoreExceptions().until(() -> awaitQueue(page, "tests", "false")
                .getText().contains("2 at once"));
        assertThat(awaitQueue(page, "tests", "false").getText()).contains("3/s");

        WebElement rate = page.find("#queue-form input[name='rate']");
        rate.clear();
        rate.sendKeys("0/min");
        page.find("#queue-form button[type='submit']").click();

        WebElement error = await().atMost(Dashboard.PATIENCE).ignoreExceptions()
                .until(() -> page.find("#queue-form-rate-error"), e -> e.isDisplayed());
        assertThat(error.getText()).contains("rate");
        assertThat(rate.getDomAttribute("aria-invalid")).isEqualTo("true");
        assertThat(flow().of("tests")).isEqualTo(new QueueLimits(2, Rate.parse("3/s"), false));
        assertThat(page.consoleErrors()).as("a refused request is not a script error")
                .allMatch(message -> message.contains("/queues/tests") && message.contains("400"));
    }

    /** The queue's row once it shows {@code paused} ("true" or "false"). */
    private static WebElement awaitQueue(Dashboard page, String name, String paused) {
        String css = "#queue-rows tr[data-queue='" + name + "']";
        await().atMost(Dashboard.PATIENCE).ignoreExceptions()
                .until(() -> page.find(css).getDomAttribute("data-paused"), paused::equals);
        return page.find(css);
    }
}
