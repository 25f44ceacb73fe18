package io.vivarium.task;

import static io.vivarium.support.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vivarium.store.WorkspaceJson;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CodeFieldsTest {

    @Test
    void aPlainTaskWritesNoCodeFields() {
        String json = new String(WorkspaceJson.compact(aTask("t").prompt("hi").build()));

        assertThat(json).doesNotContain("worktree", "check", "files", "max_turns");
        assertThat(aTask("t").build().maxTurnsOrDefault()).isEqualTo(Task.DEFAULT_MAX_TURNS);
    }

    @Test
    void aTaskWithoutCodeFieldsReadsUnderAMapperThatRefusesNullPrimitives() {
        Task task = tools.jackson.databind.json.JsonMapper.builder()
                .propertyNamingStrategy(tools.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
                .enable(tools.jackson.databind.DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build()
                .readValue("{\"id\": \"a\"}", Task.class);

        assertThat(task.worktree()).isFalse();
        assertThat(task.files()).isEmpty();
    }

    @Test
    void codeFieldsRoundTripUnderTheirJsonNames() {
        Task task = aTask("t").prompt("fix add").worktree(true).check("pytest -q")
                .files(List.of("app/calc.py", "tests/test_calc.py")).maxTurns(20).build();

        String json = new String(WorkspaceJson.compact(task));
        Task back = WorkspaceJson.mapper().readValue(json, Task.class);

        assertThat(json).contains("\"worktree\":true", "\"check\":\"pytest -q\"",
                "\"files\":[\"app/calc.py\",\"tests/test_calc.py\"]", "\"max_turns\":20");
        assertThat(back).isEqualTo(task);
        assertThat(back.maxTurnsOrDefault()).isEqualTo(20);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/../../b", "/etc/passwd", "C:\\x", "", " ", "a\\..\\b"})
    void filesMustStayInsideTheRepository(String path) {
        assertThatThrownBy(() -> aTask("t").files(List.of(path)).build())
                .isInstanceOfSatisfying(InvalidTaskException.class, e -> assertThat(e.field()).isEqualTo("files"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 101})
    void maxTurnsIsBetweenOneAndAHundred(int turns) {
        assertThatThrownBy(() -> aTask("t").maxTurns(turns).build())
                .isInstanceOfSatisfying(InvalidTaskException.class,
                        e -> assertThat(e.field()).isEqualTo("max_turns"));
    }

    @Test
    void aBlankCheckIsNoCheck() {
        assertThat(aTask("t").check("  ").build().check()).isNull();
    }
}
