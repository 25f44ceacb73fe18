package io.vivarium.api;

import java.security.CodeSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.springframework.aot.AotDetector;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.SpringProperties;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.ClassUtils;

/**
 * The HTTP service: the API on port 8420 with an embedded worker pool. {@code serve} starts it. The excluded
 * auto-configurations serve features Vivarium does not use (uploads, scheduling, SSL bundles, a Jackson 2 mapper
 * for actuator, AOP proxies); each cost start-up time.
 */
@SpringBootApplication(excludeName = {
        "org.springframework.boot.actuate.autoconfigure.endpoint.jackson.Jackson2EndpointAutoConfiguration",
        "org.springframework.boot.servlet.autoconfigure.MultipartAutoConfiguration",
        "org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration",
        "org.springframework.boot.micrometer.observation.autoconfigure.ScheduledTasksObservationAutoConfiguration",
        "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration",
        "org.springframework.boot.health.autoconfigure.application.SslHealthContributorAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.ssl.SslMetricsAutoConfiguration",
        "org.springframework.boot.autoconfigure.aop.AopAutoConfiguration"})
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
        if (packagedWithBuildTimeBeanDefinitions()) {
            SpringProperties.setFlag(AotDetector.AOT_ENABLED);
        }
        CountDownLatch closed = new CountDownLatch(1);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(VivariumServer.class)
                .main(VivariumServer.class)
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

    /**
     * The packaged jar carries the bean definitions Spring's AOT processing worked out at build time
     * ({@code spring-boot:process-aot}), which spares each start the scanning of some hundred configuration classes
     * and their conditions. Only the jar uses them: classes in a directory (an IDE, the tests) may have changed since
     * the definitions were generated, so they start the ordinary way.
     */
    static boolean packagedWithBuildTimeBeanDefinitions() {
        CodeSource source = VivariumServer.class.getProtectionDomain().getCodeSource();
        return source != null && source.getLocation().getPath().endsWith(".jar")
                && ClassUtils.isPresent(VivariumServer.class.getName() + "__ApplicationContextInitializer",
                        VivariumServer.class.getClassLoader());
    }

    public static void main(String[] args) {
        new SpringApplicationBuilder(VivariumServer.class).run(args);
    }
}
