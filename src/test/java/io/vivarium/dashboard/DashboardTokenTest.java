package io.vivarium.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vivarium.api.VivariumServer;
import io.vivarium.support.Http;
import io.vivarium.support.ServerWorkspace;
import io.vivarium.support.WorkspaceFiles;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With {@code VIVARIUM_API_TOKEN} set: the page asks for it once, sends it on every call and the stream, and shows nothing without it. */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token=" + DashboardTokenTest.TOKEN})
@ExtendWith({OutputCaptureExtension.class, Chromium.class})
class DashboardTokenTest {

    static final String TOKEN = "dash-s3cret-7f2c9a";
    static final Path WORKSPACE = ServerWorkspace.create("dashboard-token");

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
    }

    @LocalServerPort
    int port;

    @Test
    void thePageShowsNothingWithoutTheTokenAndEverythingAfterItIsEntered(ChromeDriver browser, CapturedOutput output) {
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
    }

    @Test
    void thePageAndItsFilesNeedNoTokenButEveryDataCallDoes() {
        Http anonymous = Http.at(port);
        for (String path : new String[] {"/", "/index.html", "/dashboard/app.js", "/dashboard/app.css",
                "/dashboard/icon.svg"}) {
            Http.Response r = anonymous.get(path);
            assertThat(r.status()).as(path).isEqualTo(200);
            assertThat(r.body()).as(path).doesNotContain(TOKEN);
        }
        for (String path : new String[] {"/events", "/overview", "/claims", "/tasks", "/tasks?limit=5",
                "/dashboard/missing.js"}) {
            assertThat(anonymous.get(path).status()).as(path).isIn(401, 404);
        }
        for (String path : new String[] {"/events", "/overview", "/claims", "/tasks"}) {
            assertThat(anonymous.get(path).status()).as(path).isEqualTo(401);
        }
        assertThat(anonymous.post("/tasks/clear", "{\"confirm\": true}").status()).isEqualTo(401);
        assertThat(anonymous.post("/tasks/retry-failed", "{}").status()).isEqualTo(401);
    }

    /** The public paths are matched on the raw URI: a dot segment or an encoding never reaches the API without the token. */
    @ParameterizedTest
    @ValueSource(strings = {"/dashboard/../status", "/dashboard/..%2fstatus", "/dashboard/%2e%2e/status",
            "/dashboard/x.js/../../status", "/index.html/../status", "/dashboard/;/../status"})
    void aPathThatOnlyLooksPublicStillNeedsTheToken(String rawPath) throws Exception {
        String answer = rawRequest("GET " + rawPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        assertThat(answer).doesNotStartWith("HTTP/1.1 200").doesNotContain("total_tasks");
    }

    private void enterToken(Dashboard page, String value) {
        WebElement field = page.find("#token-form input[name=token]");
        field.clear();
        field.sendKeys(value);
        page.find("#token-form button[type=submit]").click();
    }

    /** HTTP clients normalise paths; a socket sends exactly what an attacker would. */
    private String rawRequest(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
