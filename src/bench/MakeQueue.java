import java.time.Instant;

/**
 * Prints a queue.json of N empty grind tasks, for benchmarks: {@code java src/bench/MakeQueue.java 10000 > queue.json}.
 * Writing the file directly is what any tool may do with Vivarium's plain-file format; one `add` per task would
 * measure JVM start-up 10,000 times instead.
 */
public class MakeQueue {
    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        String command = args.length > 1 ? args[1] : null;
        StringBuilder out = new StringBuilder("{\n  \"version\": \"1.0\",\n  \"api_endpoint\": \"http://127.0.0.1:8420\",\n  \"tasks\": [\n");
        String now = Instant.now().toString();
        for (int i = 0; i < n; i++) {
            out.append("    {\"id\": \"bench_").append(i).append("\", \"type\": \"grind\", \"min_budget\": 0.05, \"max_budget\": 0.1, ")
               .append("\"intensity\": \"medium\", \"priority\": \"medium\", \"max_attempts\": 3, \"created_at\": \"").append(now).append('"');
            if (command != null) {
                out.append(", \"command\": \"").append(command.replace("\"", "\\\"")).append('"');
            }
            out.append(i == n - 1 ? "}\n" : "},\n");
        }
        out.append("  ]\n}\n");
        System.out.print(out);
    }
}
