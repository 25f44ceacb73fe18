package io.vivarium.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The HTTP service: the API on port 8420 with an embedded worker pool. {@code serve} starts it. */
@SpringBootApplication
@EnableConfigurationProperties(VivariumProperties.class)
public class VivariumServer {

    /**
     * The workspace's {@code .env} comes right after the environment, so placeholders such as
     * {@code ${VIVARIUM_API_TOKEN:}} read the environment, then {@code .env}, then their default: the order the CLI
     * uses ({@code config.Settings}). The name ends in {@code -systemEnvironment} so that Spring Boot maps
     * {@code VIVARIUM_GRIND_THREADS} onto {@code vivarium.grind-threads} as it does for the environment itself.
     */
    static final String DOT_ENV_SOURCE = "workspaceDotEnv-" + StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;

    /**
     * Starts the service with these {@code --name=value} properties and the workspace's {@code .env} values, and
     * blocks until it is shut down.
     */
    public static void runUntilShutdown(List<String> properties, Map<String, String> dotEnv)
            throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(VivariumServer.class)
                .web(WebApplicationType.SERVLET)
                .initializers(ctx -> ctx.getEnvironment().getPropertySources().addAfter(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        new SystemEnvironmentPropertySource(DOT_ENV_SOURCE, Map.copyOf(dotEnv))))
                .listeners(event -> {
                    if (event instanceof ContextClosedEvent) {
                        closed.countDown();
                    }
                })
                .run(properties.toArray(String[]::new));
        if (context.isActive()) {
            closed.await();
        }
    }

    public static void main(String[] args) {
        new SpringApplicationBuilder(VivariumServer.class).run(args);
    }
}
