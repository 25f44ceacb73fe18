package io.vivarium.api;

import io.vivarium.app.Assembly;
import io.vivarium.app.QueueControl;
import io.vivarium.grind.TaskLogs;
import io.vivarium.store.TaskEntry;
import io.vivarium.grind.GrindSettings;
import io.vivarium.grind.GrindRunner;
import io.vivarium.llm.ChatModel;
import io.vivarium.llm.LlmSettings;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.StoreLocation;
import io.vivarium.store.TaskStores;
import io.vivarium.store.WorkspaceJson;
import java.time.Clock;
import java.util.concurrent.ThreadPoolExecutor;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import tools.jackson.databind.JacksonModule;

/** Maps {@link VivariumProperties} onto the plain-Java core: the store, the grind engine, the embedded workers. */
@Configuration(proxyBeanMethods = false)
class WorkspaceConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    StoreSettings storeSettings(VivariumProperties properties) {
        return Assembly.storeSettings(properties.lease(), properties.backoff(), properties.processSpendLimit());
    }

    @Bean
    TaskStore taskStore(VivariumProperties properties, Clock clock, StoreSettings settings,
                        @Value("${server.address:}") String address) {
        BindPolicy.check(address, properties.api().hasToken());
        return TaskStores.open(StoreLocation.of(properties.workspace(), properties.store().url()), clock, settings);
    }

    /** Where the grinds this server runs write their output as it comes, and where {@code /tasks/{id}/logs} reads it. */
    @Bean
    QueueControl queueControl(TaskStore store) {
        return new QueueControl(store);
    }

    @Bean
    TaskLogs taskLogs(VivariumProperties properties) {
        return new TaskLogs(properties.workspace());
    }

    /** Prompt grinds use the LLM when a key is set; without one they fail saying so. */
    @Bean
    GrindRunner grindRunner(VivariumProperties properties, ChatModel chatModel, LlmSettings llm, TaskStore store,
                            @Value("${vivarium.check:${VIVARIUM_CHECK:}}") String check,
                            @Value("${vivarium.push:${VIVARIUM_PUSH:}}") String push) {
        // Tasks with worktree: true run as code grinds in a git worktree of the workspace.
        return Assembly.grinds(Assembly.grindEngine(properties.workspace(),
                        new GrindSettings(properties.ratePerSecond(), GrindSettings.DEFAULT_OUTPUT_LIMIT,
                                properties.grindEnv()), llm, key -> chatModel),
                llm, key -> chatModel, check, push, id -> store.find(id).map(TaskEntry::run));
    }

    @Bean
    EmbeddedWorkers embeddedWorkers(TaskStore store, GrindRunner grinds, VivariumProperties properties,
                                    StoreSettings settings, Clock clock, VivariumMetrics metrics) {
        return new EmbeddedWorkers(store, grinds, properties, settings, clock, metrics);
    }

    /** {@code POST /grind} runs here, off the request threads, so a long grind never makes {@code /status} wait. */
    @Bean
    ThreadPoolTaskExecutor grindExecutor(VivariumProperties properties) {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setCorePoolSize(properties.grindThreads());
        executor.setMaxPoolSize(properties.grindThreads());
        executor.setQueueCapacity(properties.grindThreads());
        executor.setThreadNamePrefix("grind-http-");
        executor.setRejectedExecutionHandler(new ThreadPoolExecutor.AbortPolicy());
        executor.setWaitForTasksToCompleteOnShutdown(false);
        return executor;
    }

    /** The workspace files' timestamp format for API bodies too, so the two never differ. */
    @Bean
    JacksonModule workspaceTimestamps() {
        return WorkspaceJson.timestampsModule();
    }
}
