package io.vivarium.dashboard;

import io.vivarium.api.VivariumServer;
import io.vivarium.support.ServerWorkspace;
import java.nio.file.Path;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** One server with {@code VIVARIUM_API_TOKEN} set, shared (one Spring context) by the token tests with and without a browser. */
@Import(SentRequests.class)
@SpringBootTest(classes = VivariumServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"vivarium.workers=0", "vivarium.api.token=" + TokenServer.TOKEN})
abstract class TokenServer {

    static final String TOKEN = "dash-s3cret-7f2c9a";
    static final Path WORKSPACE = ServerWorkspace.create("dashboard-token");

    @DynamicPropertySource
    static void workspace(DynamicPropertyRegistry registry) {
        registry.add("vivarium.workspace", WORKSPACE::toString);
    }

    @LocalServerPort
    int port;
}
