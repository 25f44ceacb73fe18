package io.vivarium.api;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

/** The HTTP service: the API on port 8420 with an embedded worker pool. {@code serve} starts it. */
@SpringBootApplication
@EnableConfigurationProperties(VivariumProperties.class)
public class VivariumServer {

    /** Starts the service with these {@code --name=value} properties and blocks until it is shut down. */
    public static void runUntilShutdown(List<String> properties) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(VivariumServer.class)
                .web(WebApplicationType.SERVLET)
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
