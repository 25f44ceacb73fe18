package io.vivarium.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vivarium.support.Http;
import io.vivarium.support.RawHttp;
import io.vivarium.support.ServerWorkspace;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Requests the server cannot even decode (bytes that are not UTF-8 in the path or the query) and the error page's
 * own address: each is a 4xx RFC 9457 problem body, sent over a raw socket so the bytes reach the server as typed.
 */
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token="})
class MalformedRequestTest {

    static final Path WORKSPACE = ServerWorkspace.create("malformed");

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
    }

    @LocalServerPort
    int port;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "GET, /tasks?q=%ff, 400, q",
            "GET, /tasks?limit=%ff, 400, limit",
            "GET, /tasks?q=%e2%82, 400, q",
            "GET, /tasks?status=pending&q=%ff, 400, q",
            "GET, /tasks/%ff, 400, ",
            "GET, /tasks/%e2%82/retry, 400, ",
            "GET, /error, 404, ",
            "POST, /error, 404, ",
            "DELETE, /error, 404, ",
    })
    void isAClientProblemBody(String method, String path, int status, String field) {
        Http.Response r = RawHttp.to(port).header("Content-Type", "application/json")
                .send(method, path, method.equals("GET") ? null : "{}");

        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode problem = r.json();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asString()).isNotBlank();
        assertThat(problem.get("detail").asString()).isNotBlank().doesNotContain("Exception");
        if (field != null) {
            assertThat(problem.get("field").asString()).isEqualTo(field);
        }
    }
}
