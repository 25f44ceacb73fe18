package io.vivarium.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vivarium.api.VivariumServer;
import io.vivarium.support.CliProcess;
import io.vivarium.support.CliRun;
import io.vivarium.support.Http;
import io.vivarium.support.LlmStandIn;
import io.vivarium.support.ServerWorkspace;
import io.vivarium.support.WorkspaceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in a real headless Chromium against a real server on a random port. No embedded workers: the queue
 * moves only when a test (or the page) moves it. An HTTP stand-in answers for the LLM, so planning works.
 */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token=", "vivarium.llm.api-key=test-key",
                "vivarium.llm.max-retries=0", "vivarium.llm.timeout-seconds=5"})
@ExtendWith(Chromium.class)
@Import(SentRequests.class)
class DashboardBrowserTest {

    static final Path WORKSPACE = ServerWorkspace.create("dashboard");
    static final MockWebServer LLM = new MockWebServer();
    static final String HOSTILE = "<img src=x onerror=alert(1)>";

    static {
        try {
            LLM.setDispatcher(new mockwebserver3.Dispatcher() {
                @Override
                public mockwebserver3.MockResponse dispatch(mockwebserver3.RecordedRequest request) {
                    return LlmStandIn.completion(LlmStandIn.GOOD_PLAN);
                }
            });
            LLM.start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
        registry.add("vivarium.llm.base-url", () -> LLM.url("/v1").toString());
    }

    @AfterAll
    static void stopLlm() throws IOException {
        LLM.close();
    }

    @LocalServerPort
    int port;

    @BeforeEach
    void emptyWorkspace() {
        assertThat(CliRun.in(WORKSPACE, "clear").exitCode()).isZero();
    }

    @Test
    void thePageLoadsWithNoConsoleError(ChromeDriver browser) {
        CliRun.in(WORKSPACE, "add", "first", "grind", "--description", "Add unit tests for parser.py");
        CliRun.in(WORKSPACE, "add", "second", "grind", "--depends-on", "first");

        Dashboard page = Dashboard.open(browser, port).awaitLive();
        page.awaitRow("second");
        page.openTask("second");

        assertThat(page.find("#task-body").getText()).contains("waits for 'first' (pending)");
        assertThat(page.find("#counts").getText()).contains("All tasks\n2", "Pending\n2");
        assertThat(page.find("#next").getText()).contains("first");
        assertThat(page.consoleErrors()).isEmpty();
    }

    @Test
    void aScheduledTaskShowsWhenItStartsItsScheduleAndItsTimeLimit(ChromeDriver browser) {
        CliRun.in(WORKSPACE, "add", "nightly", "grind", "--cron", "0 3 * * *", "--tz", "UTC", "--timeout", "10m");

        Dashboard page = Dashboard.open(browser, port).awaitLive();
        page.awaitRow("nightly");
        page.openTask("nightly");

        String story = page.find("#task-body").getText();
        assertThat(story).containsPattern("starts at [0-9 :-]+ \\(in [^)]+\\)").contains("cron 0 3 * * * (UTC)")
                .contains("Next run").contains("600 s");
        assertThat(page.find("#waiting").getText()).contains("1 scheduled");
        assertThat(page.consoleErrors()).isEmpty();
    }

    @Test
    void aTaskAddedByTheCliInAnotherProcessAppearsWithoutReload(ChromeDriver browser, @TempDir Path scratch)
            throws Exception {
        Dashboard page = Dashboard.open(browser, port).awaitLive();
        browser.executeScript("window.notReloaded = true");

        CliProcess cli = CliProcess.start(scratch.resolve("add.out"), "add", "from_cli", "grind", "--description",
                "added by another process", "--workspace", WORKSPACE.toString());
        assertThat(cli.waitFor(60)).as(cli.output()).isZero();
        long added = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .until(() -> page.row("from_cli").isPresent());
        long millis = (System.nanoTime() - added) / 1_000_000;

        assertThat(millis).as("ms from the CLI's exit to the row on the page").isLessThan(1000);
        assertThat(page.row("from_cli").orElseThrow().getText()).contains("added by another process");
        assertThat(browser.executeScript("return window.notReloaded === true")).isEqualTo(true);
        assertThat(page.find("#counts").getText()).contains("All tasks\n1");
    }

    /**
     * A browser opens six connections per server and each open page streams on one: a page left for another (here
     * with a task open, which Chromium keeps in its back/forward cache) must let its stream go, or the seventh
     * visit waits for a free connection. It failed so before the page paused its stream when hidden.
     */
    @Test
    void aPageLeftBehindLetsItsStreamGo(ChromeDriver browser) {
        CliRun.in(WORKSPACE, "add", "visited", "grind", "--description", "seen on every visit");

        for (int visit = 1; visit <= 8; visit++) {
            Dashboard page = Dashboard.open(browser, port).awaitLive();
            await("visit " + visit).atMost(Duration.ofSeconds(5)).ignoreExceptions()
                    .until(() -> page.row("visited").isPresent());
            page.openTask("visited");
        }
        browser.navigate().back();
        browser.navigate().forward(); // from the back/forward cache: the page takes its stream up again
        Dashboard page = new Dashboard(browser, "http://127.0.0.1:" + port).awaitLive();
        page.openTask("visited");
        assertThat(page.find("#task-body").getText()).contains("seen on every visit");
    }

    @Test
    void cancelAndRetryFromThePageChangeTheExecutionLog(ChromeDriver browser) {
        CliRun.in(WORKSPACE, "add", "changeable", "grind", "--command", "true");
        SentRequests.SENT.clear();
        Dashboard page = Dashboard.open(browser, port).awaitLive();

        page.awaitRow("changeable", "pending");
        page.clickRowAction("changeable", "cancel");
        await().atMost(Dashboard.PATIENCE).until(() -> logStatus("changeable").equals("cancelled"));
        page.awaitRow("changeable", "cancelled");

        page.clickRowAction("changeable", "retry");
        await().atMost(Dashboard.PATIENCE).until(() -> logStatus("changeable").equals("pending"));
        page.awaitRow("changeable", "pending");
        assertThat(WorkspaceFiles.log(WORKSPACE).get("tasks").get("changeable").get("attempts").asInt()).isZero();

        // What a guard against cross-site requests sees: this origin, same-origin fetch metadata, a JSON body.
        assertThat(SentRequests.SENT).filteredOn(r -> r.path().startsWith("/tasks/changeable/"))
                .extracting(SentRequests.Sent::path).containsExactly("/tasks/changeable/cancel", "/tasks/changeable/retry");
        assertThat(SentRequests.SENT).filteredOn(r -> r.path().startsWith("/tasks/changeable/")).allSatisfy(r -> {
            assertThat(r.method()).isEqualTo("POST");
            assertThat(r.origin()).isEqualTo(page.base());
            assertThat(r.fetchSite()).isEqualTo("same-origin");
            assertThat(r.contentType()).startsWith("application/json");
        });
    }

    @Test
    void hostileTextIsShownAsTextAndRunsNothing(ChromeDriver browser) {
        String output = "<script>document.title='pwned'</script>";
        CliRun.in(WORKSPACE, "add", "hostile", "grind", "--description", HOSTILE,
                "--command", "echo \"" + output + "\"; echo '<b onmouseover=alert(3)>bold</b>' >&2; exit 1",
                "--max-attempts", "1");
        assertThat(CliRun.in(WORKSPACE, "worker", "run", "1").exitCode()).isNotEqualTo(2);
        assertThat(logStatus("hostile")).isEqualTo("failed");

        Dashboard page = Dashboard.open(browser, port).awaitLive();
        WebElement row = page.awaitRow("hostile", "failed");
        assertThat(row.findElement(By.cssSelector(".desc")).getText()).isEqualTo(HOSTILE);
        page.openTask("hostile");

        String story = page.find("#task-body").getText();
        assertThat(story).contains(HOSTILE, output, "<b onmouseover=alert(3)>bold</b>");
        assertThat(page.findAll("#task-rows img, #task-body img, #task-body script, #task-body b")).isEmpty();
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        assertThat(browser.getTitle()).isEqualTo("Vivarium");
        assertThat(page.consoleErrors()).isEmpty();
    }

    @Test
    void theAddFormSendsEveryFieldAndShowsTheApisMessages(ChromeDriver browser) {
        CliRun.in(WORKSPACE, "add", "base", "grind");
        Dashboard page = Dashboard.open(browser, port).awaitLive();
        page.find("#add-open").click();
        WebElement form = page.find("#add-form");

        type(form, "id", "full");
        type(form, "min_budget", "0.2");
        type(form, "max_budget", "0.1");
        form.findElement(By.cssSelector("button[type=submit]")).click();

        String cliError = CliRun.in(WORKSPACE, "add", "full", "grind", "--min", "0.2", "--max", "0.1").err().strip();
        WebElement error = await().atMost(Dashboard.PATIENCE).ignoreExceptions()
                .until(() -> form.findElement(By.cssSelector("input[name=max_budget] + .field-error")), e -> true);
        assertThat(error.getText()).isNotBlank();
        assertThat(cliError).endsWith(error.getText());
        assertThat(form.findElement(By.name("max_budget")).getDomAttribute("aria-invalid")).isEqualTo("true");

        type(form, "max_budget", "0.3");
        type(form, "description", "Every field from the page");
        type(form, "command", "echo from the page");
        type(form, "prompt", "unused when a command is set");
        type(form, "max_attempts", "5");
        type(form, "depends_on", "base");
        select(form, "intensity", "high");
        select(form, "priority", "low");
        form.findElement(By.cssSelector("button[type=submit]")).click();

        page.awaitRow("full");
        JsonNode task = queuedTask("full");
        assertThat(task.get("min_budget").asDouble()).isEqualTo(0.2);
        assertThat(task.get("max_budget").asDouble()).isEqualTo(0.3);
        assertThat(task.get("description").asString()).isEqualTo("Every field from the page");
        assertThat(task.get("command").asString()).isEqualTo("echo from the page");
        assertThat(task.get("prompt").asString()).isEqualTo("unused when a command is set");
        assertThat(task.get("max_attempts").asInt()).isEqualTo(5);
        assertThat(task.get("depends_on").get(0).asString()).isEqualTo("base");
        assertThat(task.get("intensity").asString()).isEqualTo("high");
        assertThat(task.get("priority").asString()).isEqualTo("low");
        assertThat(page.find("#add-dialog").isDisplayed()).isFalse();

        page.find("#add-open").click();
        type(form, "id", "full");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        WebElement duplicate = await().atMost(Dashboard.PATIENCE).ignoreExceptions()
                .until(() -> form.findElement(By.cssSelector("input[name=id] + .field-error")), e -> true);
        assertThat(duplicate.getText()).contains("full");
    }

    @Test
    void retryAllFailedAndClearAfterConfirming(ChromeDriver browser) {
        CliRun.in(WORKSPACE, "add", "doomed_1", "grind", "--command", "exit 4", "--max-attempts", "1");
        CliRun.in(WORKSPACE, "add", "doomed_2", "grind", "--command", "exit 5", "--max-attempts", "1");
        CliRun.in(WORKSPACE, "worker", "run", "2");
        assertThat(logStatus("doomed_2")).isEqualTo("failed");
        Dashboard page = Dashboard.open(browser, port).awaitLive();

        await().atMost(Dashboard.PATIENCE).until(() -> page.find("#retry-failed").getText().equals("Retry 2 failed"));
        page.find("#retry-failed").click();
        await().atMost(Dashboard.PATIENCE).until(() -> logStatus("doomed_1").equals("pending")
                && logStatus("doomed_2").equals("pending"));
        page.awaitRow("doomed_2", "pending");

        page.find("#clear-open").click();
        assertThat(page.find("#clear-text").getText()).contains("all 2 tasks");
        page.find("#clear-dialog [data-close]").click();
        assertThat(WorkspaceFiles.queue(WORKSPACE).get("tasks")).hasSize(2);

        page.find("#clear-open").click();
        page.find("#clear-confirm").click();
        await().atMost(Dashboard.PATIENCE).until(() -> WorkspaceFiles.queue(WORKSPACE).get("tasks").isEmpty());
        await().atMost(Dashboard.PATIENCE).until(() -> page.find("#empty").isDisplayed());
    }

    @Test
    void planPreviewsFirstAndQueuesOnlyWhenAsked(ChromeDriver browser) {
        Dashboard page = Dashboard.open(browser, port).awaitLive();
        page.find("#plan-open").click();
        WebElement form = page.find("#plan-form");
        type(form, "goal", "raise test coverage");
        page.find("#plan-preview-button").click();

        await().atMost(Dashboard.PATIENCE).until(() -> page.findAll("#plan-preview li").size() == 3);
        assertThat(page.find("#plan-preview").getText()).contains("add_tests_for_parser", "refactor_main", "docs");
        assertThat(Files.exists(WORKSPACE.resolve("queue.json"))
                ? WorkspaceFiles.queue(WORKSPACE).get("tasks").size() : 0).isZero();

        page.find("#plan-queue").click();
        page.awaitRow("refactor_main");
        assertThat(queuedTask("refactor_main").get("depends_on").get(0).asString()).isEqualTo("add_tests_for_parser");
        assertThat(WorkspaceFiles.queue(WORKSPACE).get("tasks")).hasSize(3);
    }

    @Test
    void theTablePagesFiltersAndSearchesOnTheServer(ChromeDriver browser) {
        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            tasks.add("{\"id\": \"task_%03d\", \"description\": \"Batch item %d\"}".formatted(i, i));
        }
        Http http = Http.at(port);
        assertThat(http.post("/tasks", "[" + String.join(",", tasks) + "]").status()).isEqualTo(201);
        http.post("/tasks/task_042/cancel", null);
        Dashboard page = Dashboard.open(browser, port).awaitLive();

        await().atMost(Dashboard.PATIENCE).until(() -> page.find("#page-info").getText().equals("1–50 of 120"));
        assertThat(page.findAll("#task-rows tr")).hasSize(50);
        page.find("#page-next").click();
        await().atMost(Dashboard.PATIENCE).until(() -> page.find("#page-info").getText().equals("51–100 of 120"));
        page.awaitRow("task_099");

        page.find("#filter-q").sendKeys("task_07");
        await().atMost(Dashboard.PATIENCE).until(() -> page.find("#page-info").getText().equals("1–10 of 10"));

        page.find("#filter-q").sendKeys(Keys.chord(Keys.CONTROL, "a"), "BATCH ITEM 119");
        await().atMost(Dashboard.PATIENCE).until(() -> page.find("#page-info").getText().equals("1–1 of 1"));

        page.find("#filter-q").sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        page.find("#counts [data-state=cancelled]").click();
        await().atMost(Dashboard.PATIENCE).until(() -> page.find("#page-info").getText().equals("1–1 of 1"));
        assertThat(page.row("task_042")).isPresent();
        assertThat(page.find("#filter-status").getDomProperty("value")).isEqualTo("cancelled");
    }

    @Test
    void theKeyboardReachesTheSearchATaskAndBack(ChromeDriver browser) {
        CliRun.in(WORKSPACE, "add", "by_keyboard", "grind", "--description", "opened without a mouse");
        Dashboard page = Dashboard.open(browser, port).awaitLive();
        page.awaitRow("by_keyboard");

        keys(browser, "/");
        assertThat(browser.switchTo().activeElement().getDomAttribute("id")).isEqualTo("filter-q");
        keys(browser, "keyboard");
        await().atMost(Dashboard.PATIENCE).until(() -> page.find("#page-info").getText().equals("1–1 of 1"));
        keys(browser, Keys.TAB);
        await().atMost(Dashboard.PATIENCE).ignoreExceptions()
                .until(() -> browser.switchTo().activeElement().getText().equals("by_keyboard"));
        WebElement focused = browser.switchTo().activeElement();
        CliRun.in(WORKSPACE, "add", "meanwhile", "grind"); // the table is rebuilt; the focus stays where it was
        await().atMost(Dashboard.PATIENCE).until(() -> ExpectedConditions.stalenessOf(focused).apply(browser));
        assertThat(browser.switchTo().activeElement().getText()).isEqualTo("by_keyboard");

        keys(browser, Keys.ENTER);
        await().atMost(Dashboard.PATIENCE).until(() -> page.find("#task-body").getText().contains("opened without a mouse"));
        keys(browser, Keys.ESCAPE);
        await().atMost(Dashboard.PATIENCE).until(() -> !page.find("#task-dialog").isDisplayed());
        await().atMost(Dashboard.PATIENCE).ignoreExceptions()
                .until(() -> browser.switchTo().activeElement().getText().equals("by_keyboard"));
    }

    /** Keys as a person types them: to whatever has the focus, however often the page re-renders. */
    private static void keys(ChromeDriver browser, CharSequence... keys) {
        new Actions(browser).sendKeys(keys).perform();
    }

    private static String logStatus(String id) {
        JsonNode entry = WorkspaceFiles.log(WORKSPACE).get("tasks").get(id);
        return entry == null ? "pending" : entry.get("status").asString();
    }

    private static JsonNode queuedTask(String id) {
        for (JsonNode task : WorkspaceFiles.queue(WORKSPACE).get("tasks")) {
            if (task.get("id").asString().equals(id)) {
                return task;
            }
        }
        throw new AssertionError("no task " + id + " in queue.json");
    }

    private static void type(WebElement form, String name, String value) {
        WebElement field = form.findElement(By.name(name));
        field.clear();
        field.sendKeys(value);
    }

    private static void select(WebElement form, String name, String value) {
        new org.openqa.selenium.support.ui.Select(form.findElement(By.name(name))).selectByValue(value);
    }
}
