package io.vivarium.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.vivarium.task.TaskStatus;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.format.FormatterRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

    /** {@code ?status=in_progress} reads the same names as the files, with the model's own error message. */
    @Override
    public void addFormatters(FormatterRegistry registry) {
        registry.addConverter(String.class, TaskStatus.class, TaskStatus::parse);
    }

    /**
     * Tomcat's error page for what it refuses before Spring MVC ({@code /tasks/%ff}) becomes a problem body. Runs
     * after Spring Boot's own customizer, which installs the HTML valve this one replaces.
     */
    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> problemErrorReports() {
        return new WebServerFactoryCustomizer<>() {
            @Override
            public void customize(ConfigurableTomcatWebServerFactory factory) {
                factory.addContextCustomizers(context -> {
                    StandardHost host = (StandardHost) context.getParent();
                    for (Valve valve : host.getPipeline().getValves()) {
                        if (valve instanceof ErrorReportValve) {
                            host.getPipeline().removeValve(valve);
                        }
                    }
                    host.getPipeline().addValve(new ProblemReportValve());
                    // Else the host adds Tomcat's own valve again when it starts, seeing none of its class.
                    host.setErrorReportValveClass(ProblemReportValve.class.getName());
                });
            }
        };
    }

    @Bean
    OpenAPI vivariumOpenApi() {
        return new OpenAPI().info(new Info().title("Vivarium API").version("1")
                .description("Budgeted grinds, the task queue and its status. With VIVARIUM_API_TOKEN set, send "
                        + "'Authorization: Bearer <token>'."));
    }
}
