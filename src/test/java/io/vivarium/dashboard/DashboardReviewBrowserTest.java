package io.vivarium.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vivarium.api.VivariumServer;
import io.vivarium.store.file.FileTaskStore;
import io.vivarium.support.CliRun;
import io.vivarium.support.ServerWorkspace;
import io.vivarium.support.UserRepo;
import io.vivarium.task.CodeRun;
import io.vivarium.task.TaskRun;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The dashboard's Review view in a real headless Chromium, on a workspace that is a real git repository. */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token="})
@ExtendWith(Chromium.class)
class DashboardReviewBrowserTest {

    static final Path WORKSPACE = ServerWorkspace.create("dashboard-review");
    static final String HOSTILE = "# <img src=x onerror=alert(1)>";

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
    }

    @LocalServerPort
    int port;

    private static TaskRun run(String id) {
        return new FileTaskStore(WORKSPACE, Clock.systemUTC()).find(id).orElseThrow().run();
    }

    @Test
    void changesWaitWithTheirDiffAsColouredTextAndAreAcceptedOrRejectedFromThePage(ChromeDriver browser) {
        UserRepo repo = UserRepo.init(WORKSPACE);
        repo.write("calc.py", "def add(a, b):\n    return a - b\n\n\n\n\ndef mul(a, b):\n    return a + b\n");
        repo.commitAll("first");
        CliRun.in(WORKSPACE, "add", "fix_add", "grind", "--worktree", "--description", "Fix add",
                "--command", "sed -i 's/a - b/a + b/' calc.py", "--check", "grep -q 'a + b' calc.py");
        CliRun.in(WORKSPACE, "add", "fix_mul", "grind", "--worktree", "--description", "Fix mul",
                "--command", "sed -i '8s/.*/    return a * b/' calc.py && echo '" + HOSTILE + "' >> calc.py");
        assertThat(CliRun.in(WORKSPACE, "start", "2").exitCode()).isZero();

        Dashboard page = Dashboard.open(browser, port).awaitLive();
        await().atMost(Dashboard.PATIENCE).ignoreExceptions()
                .until(() -> page.findAll("#review .review-item").size() == 2);

        WebElement first = item(page, "fix_add");
        assertThat(first.getText()).contains("fix_add", "Fix add", "vivarium/fix_add", "1 file +1 −1",
                "check passed: grep -q 'a + b' calc.py", "cost $");
        List<WebElement> added = first.findElements(By.cssSelector(".diff-line.add"));
        List<WebElement> removed = first.findElements(By.cssSelector(".diff-line.del"));
        assertThat(added).extracting(WebElement::getText).contains("+    return a + b");
        assertThat(removed).extracting(WebElement::getText).contains("-    return a - b");
        assertThat(added.get(0).getCssValue("background-color"))
                .isNotEqualTo(removed.get(0).getCssValue("background-color"))
                .isNotEqualTo(first.findElement(By.cssSelector(".diff-line.ctx")).getCssValue("background-color"));
        WebElement second = item(page, "fix_mul");
        assertThat(second.getText()).contains("+" + HOSTILE, "no check");
        assertThat(page.findAll("#review img, #review script")).isEmpty();
        assertThatThrownBy(() -> browser.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);

        button(first, "Accept").click();
        await().atMost(Dashboard.PATIENCE).until(() -> run("fix_add").code().review() == CodeRun.Review.ACCEPTED);
        assertThat(repo.read("calc.py")).contains("return a + b");

        await().atMost(Dashboard.PATIENCE).ignoreExceptions()
                .until(() -> page.findAll("#review .review-item").size() == 1);
        item(page, "fix_mul").findElement(By.tagName("textarea")).sendKeys("keep the file free of comments");
        button(item(page, "fix_mul"), "Reject and retry").click();
        await().atMost(Dashboard.PATIENCE).until(() -> run("fix_mul").code().review() == CodeRun.Review.REJECTED);
        assertThat(run("fix_mul").code().feedback()).isEqualTo("keep the file free of comments");
        assertThat(run("fix_mul").status().wireName()).isEqualTo("pending");
        await().atMost(Dashboard.PATIENCE).until(() -> !page.find("#review").isDisplayed());
        assertThat(page.consoleErrors()).isEmpty();
    }

    private static WebElement item(Dashboard page, String id) {
        return page.find("#review .review-item[data-review='" + id + "']");
    }

    private static WebElement button(WebElement item, String label) {
        return item.findElements(By.tagName("button")).stream().filter(b -> b.getText().equals(label)).findFirst()
                .orElseThrow();
    }
}
