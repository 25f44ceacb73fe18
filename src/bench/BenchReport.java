import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a finished benchmark workspace: tasks per second inside the run (first claim to last completion), and for
 * tasks whose id starts with a prefix, the delay from created_at (stamped by `add`) to started_at (the claim).
 * Usage: java src/bench/BenchReport.java WORKSPACE [latency-prefix]. Regex, not a JSON library: runs on a bare JDK.
 */
public class BenchReport {
    public static void main(String[] args) throws Exception {
        Path ws = Path.of(args[0]);
        String log = Files.readString(ws.resolve("execution_log.json"));
        String queue = Files.readString(ws.resolve("queue.json"));
        Map<String, OffsetDateTime> created = new HashMap<>();
        Matcher q = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"[^}]*?\"created_at\"\\s*:\\s*\"([^\"]+)\"").matcher(queue);
        while (q.find()) {
            created.put(q.group(1), OffsetDateTime.parse(q.group(2)));
        }
        Matcher m = Pattern.compile("\"([^\"]+)\"\\s*:\\s*\\{[^}]*?\"status\"\\s*:\\s*\"(\\w+)\"[^}]*?\"started_at\"\\s*:\\s*\"([^\"]+)\"[^}]*?\"completed_at\"\\s*:\\s*\"([^\"]+)\"").matcher(log);
        OffsetDateTime first = null, last = null;
        int completed = 0;
        List<Double> delays = new ArrayList<>();
        String prefix = args.length > 1 ? args[1] : null;
        while (m.find()) {
            OffsetDateTime start = OffsetDateTime.parse(m.group(3)), end = OffsetDateTime.parse(m.group(4));
            if ("completed".equals(m.group(2))) {
                completed++;
            }
            if (prefix != null && m.group(1).startsWith(prefix) && created.containsKey(m.group(1))) {
                delays.add(Duration.between(created.get(m.group(1)), start).toNanos() / 1e6);
                continue;
            }
            first = first == null || start.isBefore(first) ? start : first;
            last = last == null || end.isAfter(last) ? end : last;
        }
        if (prefix == null) {
            double seconds = Duration.between(first, last).toNanos() / 1e9;
            System.out.printf("completed %d tasks; in-run span %.2f s = %.0f tasks/s%n", completed, seconds, completed / seconds);
        } else {
            Collections.sort(delays);
            System.out.printf("add -> claim delay over %d adds: median %.1f ms, min %.1f ms, max %.1f ms%n", delays.size(),
                    delays.get(delays.size() / 2), delays.get(0), delays.get(delays.size() - 1));
        }
    }
}
