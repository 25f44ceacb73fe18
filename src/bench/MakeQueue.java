import java.time.Instant;

/**
 * Prints a queue.json of N empty grind tasks, for benchmarks: {@code java src/bench/MakeQueue.java 10000 > queue.json}.
 * Writing the file directly is what any tool may do with Vivarium's plain-file format; one `add` per task would
 * measure JVM start-up 10,000 times instead.
 * {@code MakeQueue N --completed-log > execution_log.json} prints the log of the same N tasks all completed: with the
 * queue, the workspace a finished run leaves, made in seconds when running N tasks through a slow build is too long.
 */
public class MakeQueue {
    public static void main(String[] args) {
        int n = Integer.parseInt(args[0]);
        String now = Instant.now().toString().replace("Z", "+00:00");
        if (args.length > 1 && args[1].equals("--completed-log")) {
            System.out.print(completedLog(n, now));
            return;
        }
        String command = args.length > 1 ? args[1] : null;
        StringBuilder out = new StringBuilder("{\n  \"version\": \"1.0\",\n  \"api_endpoint\": \"http://127.0.0.1:8420\",\n  \"tasks\": [\n");
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

    private static StringBuilder completedLog(int n, String now) {
        StringBuilder out = new StringBuilder("{\n  \"version\": \"1.0\",\n  \"tasks\": {\n");
        for (int i = 0; i < n; i++) {
            out.append("    \"bench_").append(i).append("\": {\"worker_id\": \"worker_bench\", \"status\": \"completed\", \"attempts\": 1, ")
               .append("\"started_at\": \"").append(now).append("\", \"completed_at\": \"").append(now).append("\", ")
               .append("\"budget_used\": 0.05, \"result\": \"Grind completed with intensity=medium\"")
               .append(i == n - 1 ? "}\n" : "},\n");
        }
        // Summed in cents: 0.05 added n times in floating point would not print as n * 0.05.
        out.append("  },\n  \"swarm_summary\": {\"total_tasks\": ").append(n).append(", \"completed\": ").append(n)
           .append(", \"in_progress\": 0, \"pending\": 0, \"failed\": 0, \"blocked\": 0, \"cancelled\": 0, \"budget_used\": ")
           .append(n * 5L / 100).append('.').append(String.format("%02d", n * 5L % 100)).append("}\n}\n");
        return out;
    }
}
