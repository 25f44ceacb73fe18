package io.vivarium.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.vivarium.task.TaskStatus;
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

    @Bean
    OpenAPI vivariumOpenApi() {
        return new OpenAPI().info(new Info().title("Vivarium API").version("1")
                .description("Budgeted grinds, the task queue and its status. With VIVARIUM_API_TOKEN set, send "
                        + "'Authorization: Bearer <token>'."));
    }
}
