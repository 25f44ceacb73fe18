package io.vivarium.store.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The quick add's byte scanner finds what a streaming JSON parser finds in the same queue, or gives up. */
class QueueScannerTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "{\n  \"version\": \"1.0\",\n  \"tasks\": [\n    {\n      \"id\": \"a\"\n    }\n  ]\n}\n",
        "{\"tasks\": [\n{\"id\": \"bench_0\", \"min_budget\": 0.05},\n{\"id\": \"bench_1\", \"depends_on\": [\"bench_0\"]}\n]}\n",
        "{\"tasks\":[{\"description\":\"} ] \\\"id\\\": \\\\\",\"id\":\"c\",\"x\":{\"id\":\"nested\"}}]}",
    })
    void theQueuesVivariumAndItsBenchWriteAreScannedNotGivenUp(String json) {
        assertThat(QueueScanner.scan(json.getBytes(StandardCharsets.UTF_8))).isPresent();
        findsWhatTheParserFinds(json);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\n  \"version\": \"1.0\",\n  \"revision\": 3,\n  \"tasks\": [\n    {\n      \"id\": \"a\",\n      \"type\": \"grind\"\n    },\n    {\n      \"id\": \"b\"\n    }\n  ]\n}\n",
        "{\"version\": \"1.0\", \"tasks\": [\n{\"id\": \"bench_0\", \"min_budget\": 0.05, \"created_at\": \"2026-12-05T02:20:57+00:00\"},\n{\"id\": \"bench_1\"}\n]}\n",
        "{\"tasks\": [], \"revision\": 1}",
        "{\"tasks\":[{\"description\":\"a } ] { [ \\\"id\\\": \\\"x\\\" \\\\\",\"id\":\"c\",\"extra\":{\"id\":\"nested\",\"l\":[1,{\"id\":\"deep\"}]},\"n\":null,\"t\":true}],\"completed\":[{\"id\":\"old\"}]}",
        "{\"api_endpoint\": \"http://x\", \"tasks\": [ {} , { \"id\" : \"spaced\" } ] , \"failed\": [] }",
        "{\"tasks\": {\"id\": \"not an array\"}}",
        "{\"tasks\": [\"a string\"]}",
        "{\"tasks\": [{\"id\": \"esc\\u0061ped\"}]}",
        "{}",
    })
    void findsWhatTheParserFinds(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        Optional<QuickAppend.QueueScan> parser = QuickAppend.scan(bytes);
        Optional<QuickAppend.QueueScan> scanner = QueueScanner.scan(bytes);
        if (scanner.isEmpty()) {
            // Giving up is always allowed (the add reads the queue whole); finding something else never is.
            return;
        }
        assertThat(parser).isPresent();
        assertThat(scanner.get().ids()).isEqualTo(parser.get().ids());
        assertThat(scanner.get().insertAt()).isEqualTo(parser.get().insertAt());
        assertThat(scanner.get().emptyArray()).isEqualTo(parser.get().emptyArray());
        assertThat(scanner.get().arrayStart()).isEqualTo(parser.get().arrayStart());
        assertThat(scanner.get().arrayEnd()).isEqualTo(parser.get().arrayEnd());
    }
}
