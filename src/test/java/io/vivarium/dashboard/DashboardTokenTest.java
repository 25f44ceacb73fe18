package io.vivarium.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.support.Http;
import io.vivarium.support.WorkspaceFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** With {@code VIVARIUM_API_TOKEN} set: the page asks for it once, sends it on every call and the stream, and shows nothing without it. */
@ExtendWith({OutputCaptureExtension.class, Chromium.class})
class DashboardTokenTest extends TokenServer {

    @Test
    void thePageShowsNothingWithoutTheTokenAndEverythingAfterItIsEntered(ChromeDriver browser, CapturedOutput output) {
        SentRequests.SENT.clear();
        Http api = Http.at(port).withToken(TOKEN);
        assertThat(api.post("/tasks", "{\"id\": \"guarded\", \"description\": \"only with the token\"}").status())
                .isEqualTo(201);

        Dashboard page = Dashboard.open(browser, port);
        await().atMost(Dashboard.PATIENCE).until(() -> page.find("#token-dialog").isDisplayed());
        assertThat(page.find("#live").getDomAttribute("data-state")).isEqualTo("locked");
        assertThat(page.findAll("#task-rows tr")).isEmpty();
        assertThat(page.find("#counts").getText()).isEmpty();

        enterToken(page, "not-the-token");
        await().atMost(Dashboard.PATIENCE).until(() -> page.find("#token-dialog").isDisplayed()
                && page.find("#token-form [data-error=form]").getText().contains("That token was refused"));
        assertThat(page.findAll("#task-rows tr")).isEmpty();

        enterToken(page, TOKEN);
        page.awaitLive().awaitRow("guarded");
        assertThat(page.find("#token-dialog").isDisplayed()).isFalse();

        api.post("/tasks", "{\"id\": \"live_with_token\"}");
        page.awaitRow("live_with_token");
        page.clickRowAction("live_with_token", "cancel");
        await().atMost(Dashboard.PATIENCE).until(() -> WorkspaceFiles.log(WORKSPACE).get("tasks")
                .path("live_with_token").path("status").asString("").equals("cancelled"));

        browser.navigate().refresh();
        page.awaitLive().awaitRow("live_with_token", "cancelled");
        assertThat(page.find("#token-dialog").isDisplayed()).as("asked once per tab").isFalse();

        assertThat(browser.getCurrentUrl()).doesNotContain(TOKEN);
        assertThat(browser.getPageSource()).doesNotContain(TOKEN);
        assertThat(browser.executeScript("return performance.getEntriesByType('resource').map(e => e.name).join(' ')"))
                .asString().doesNotContain(TOKEN).contains("/overview");
        assertThat(output.getAll()).doesNotContain(TOKEN);
        assertThat(SentRequests.SENT).filteredOn(r -> r.path().equals("/events")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.bearer()).as("the stream carries the token").isTrue());
        assertThat(SentRequests.SENT).filteredOn(r -> r.path().equals("/tasks/live_with_token/cancel"))
                .singleElement().satisfies(r -> assertThat(r.bearer()).isTrue());
    }

    private void enterToken(Dashboard page, String value) {
        WebElement field = page.find("#token-form input[name=token]");
        field.clear();
        field.sendKeys(value);
        page.find("#token-form button[type=submit]").click();
    }
}
