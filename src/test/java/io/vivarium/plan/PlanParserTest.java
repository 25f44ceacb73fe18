package io.vivarium.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vivarium.llm.LlmException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An answer cut off at {@code max_tokens} can end anywhere. Every prefix of a realistic answer, in each shape the
 * model uses, must read as its complete tasks or fail as a bad answer; never as another exception.
 */
class PlanParserTest {

    static final String TASKS = """
            [
              {"id": "task_001", "description": "Add tests for the parser's escape handling ({, [, \\" and \\\\ in strings)",
               "priority": "high", "depends_on": [], "files": ["app/parser.py", "tests/test_parser.py"]},
              {"id": "task_002", "description": "Split main.py: the CLI [argument parsing] from the {core} logic",
               "priority": "medium", "depends_on": ["task_001"], "files": ["main.py"], "extra": {"effort": [1, 2]}},
              {"id": "task_003", "description": "Document utils.py's public functions",
               "priority": "low", "depends_on": "task_001, task_002", "files": "app/utils.py"}
            ]""";

    static final List<String> SHAPES = List.of(
            TASKS,
            "{\"tasks\": " + TASKS + ", \"notes\": \"three tasks, {most} important first\"}",
            "Here is the plan [as JSON]:\n```json\n{\"plan\": {\"items\": " + TASKS + "}}\n```\nGood luck {!}");

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void everyPrefixOfAnAnswerYieldsItsCompleteTasksOrABadAnswer(int shape) {
        String answer = SHAPES.get(shape);
        List<PlannedTask> all = PlanParser.parse(answer).tasks();
        assertThat(all).extracting(PlannedTask::id).containsExactly("task_001", "task_002", "task_003");
        assertThat(all.get(2).dependsOn()).containsExactly("task_001", "task_002");

        int salvaged = 0;
        for (int length = 0; length <= answer.length(); length++) {
            String prefix = answer.substring(0, length);
            PlanParser.Parsed parsed;
            try {
                parsed = PlanParser.parse(prefix);
            } catch (PlanException badAnswer) {
                assertThat(badAnswer.kind()).isEqualTo(LlmException.Kind.BAD_ANSWER);
                assertThat(badAnswer.getMessage()).isNotBlank();
                continue;
            }
            assertThat(parsed.tasks()).as("prefix of %d chars", length)
                    .isNotEmpty().isEqualTo(all.subList(0, parsed.tasks().size()));
            if (parsed.cutOff()) {
                salvaged++;
            }
        }
        assertThat(salvaged).as("prefixes read as a cut-off answer").isGreaterThan(100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[{\"id\": \"task_001\", \"description\": \"Add te",
            "```json\n{\"tasks\": [{\"id\": \"task_001\", \"description\": \"Add tests\", \"files\": [\"a.py\"",
            "{\"tasks\": [{\"id\": \"a\", \"description\": \"x\""})
    void anAnswerCutOffBeforeItsFirstTaskSaysSo(String answer) {
        assertThatThrownBy(() -> PlanParser.parse(answer))
                .isInstanceOf(PlanException.class)
                .hasMessageContaining("cut off before its first task was complete");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[{\"id\": \"a\", \"description\": \"Do A\"}, {\"id\": \"b\", \"description\": \"Do B\"}, {\"id\": \"c\", \"de",
            "Sure!\n```json\n{\"tasks\": [{\"id\": \"a\", \"description\": \"Do A\"}, {\"id\": \"b\", \"description\": \"Do B\"}",
            "{\"tasks\": [{\"id\": \"a\", \"description\": \"Do A\"}, {\"id\": \"b\", \"description\": \"Do B\"}], \"why\": \"bec"})
    void aCutOffAnswerKeepsItsCompleteTasks(String answer) {
        PlanParser.Parsed parsed = PlanParser.parse(answer);

        assertThat(parsed.cutOff()).isTrue();
        assertThat(parsed.tasks()).extracting(PlannedTask::id).containsExactly("a", "b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"I found [3] problems: {\"tasks\": [{\"id\": \"a\", \"description\": \"Do A\"}]}",
            "See (note [1): {\"tasks\": [{\"id\": \"a\", \"description\": \"Do A\"}]}",
            "{not json} [{\"id\": \"a\", \"description\": \"Do A\"}]"})
    void bracketsInTheProseAroundTheJsonDoNotHideIt(String answer) {
        PlanParser.Parsed parsed = PlanParser.parse(answer);

        assertThat(parsed.cutOff()).isFalse();
        assertThat(parsed.tasks()).extracting(PlannedTask::id).containsExactly("a");
    }
}
