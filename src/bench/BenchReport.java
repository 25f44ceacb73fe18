import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a finished benchmark workspace: tasks per second inside the run (first claim to last completion), and for
 * tasks whose id starts with a prefix, the delay from created_at (stamped by `add` under the workspace lock, just
 * before its commit) to started_at (the claim), as percentiles. With {@code --after-commit FILE} (lines
 * "ID EPOCH_MICROS": when each `add` printed its "Added" line, just after its commit returned), also the delay from
 * that moment to the claim: created_at comes before the commit and the line after it, so the two figures bracket
 * the delay from the commit. Usage: java src/bench/BenchReport.java WORKSPACE [prefix [--after-commit FILE]] [--json]. Regex, not a JSON library: runs on a
 * bare JDK. Each entry's fields are found independently, so a store that writes them in another order still reads.
 */
public class BenchReport {

    /** One flat JSON object: an entry of the log's "tasks", a task of the queue (bench entries nest nothing). */
    private static final Pattern OBJECT = Pattern.compile("(?:\"([^\"]+)\"\\s*:\\s*)?\\{([^{}]*)\\}");

    public static void main(String[] args) throws Exception {
        List<String> positional = new ArrayList<>();
        boolean json = false;
        Path afterCommit = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--json")) {
                json = true;
            } else if (arg.equals("--after-commit")) {
                afterCommit = Path.of(args[++i]);
            } else {
                positional.add(arg);
            }
        }
        Path ws = Path.of(positional.get(0));
        String prefix = positional.size() > 1 ? positional.get(1) : null;
        String log = Files.readString(ws.resolve("execution_log.json"));

        OffsetDateTime first = null, last = null;
        int completed = 0, entries = 0;
        Map<String, OffsetDateTime> started = new HashMap<>();
        Matcher m = OBJECT.matcher(log);
        while (m.find()) {
            String id = m.group(1), body = m.group(2);
            String status = field(body, "status"), startedAt = field(body, "started_at");
            if (id == null || status == null) {
                continue; // the summary, or something that is not a task entry
            }
            entries++;
            if ("completed".equals(status)) {
                completed++;
            }
            if (prefix != null && id.startsWith(prefix)) {
                if (startedAt != null) {
                    started.put(id, OffsetDateTime.parse(startedAt));
                }
                continue;
            }
            String completedAt = field(body, "completed_at");
            if (startedAt != null && completedAt != null) {
                OffsetDateTime start = OffsetDateTime.parse(startedAt), end = OffsetDateTime.parse(completedAt);
                first = first == null || start.isBefore(first) ? start : first;
                last = last == null || end.isAfter(last) ? end : last;
            }
        }

        if (prefix == null) {
            double seconds = first == null ? 0 : Duration.between(first, last).toNanos() / 1e9;
            double rate = seconds > 0 ? completed / seconds : 0;
            System.out.println(json
                    ? String.format(Locale.ROOT, "{\"entries\": %d, \"completed\": %d, \"span_s\": %.3f, \"tasks_per_s\": %.0f}",
                            entries, completed, seconds, rate)
                    : String.format(Locale.ROOT, "completed %d tasks; in-run span %.2f s = %.0f tasks/s", completed, seconds, rate));
            return;
        }

        String queue = Files.readString(ws.resolve("queue.json"));
        List<Double> delays = new ArrayList<>();
        int added = 0;
        Matcher q = OBJECT.matcher(queue);
        while (q.find()) {
            String id = field(q.group(2), "id"), createdAt = field(q.group(2), "created_at");
            if (id == null || !id.startsWith(prefix)) {
                continue;
            }
            added++;
            if (createdAt != null && started.containsKey(id)) {
                delays.add(Duration.between(OffsetDateTime.parse(createdAt), started.get(id)).toNanos() / 1e6);
            }
        }
        Collections.sort(delays);
        List<Double> fromLine = new ArrayList<>();
        if (afterCommit != null) {
            for (String line : Files.readAllLines(afterCommit)) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 2 && started.containsKey(parts[0])) {
                    Instant claimed = started.get(parts[0]).toInstant();
                    long micros = Long.parseLong(parts[1]);
                    Instant printed = Instant.ofEpochSecond(micros / 1_000_000, micros % 1_000_000 * 1000);
                    fromLine.add(Duration.between(printed, claimed).toNanos() / 1e6);
                }
            }
            Collections.sort(fromLine);
        }
        String lineJson = fromLine.isEmpty() ? "" : String.format(Locale.ROOT,
                ", \"after_samples\": %d, \"after_p50_ms\": %.1f, \"after_p90_ms\": %.1f, \"after_p99_ms\": %.1f, \"after_min_ms\": %.1f, \"after_max_ms\": %.1f",
                fromLine.size(), rank(fromLine, 50), rank(fromLine, 90), rank(fromLine, 99), fromLine.get(0), fromLine.get(fromLine.size() - 1));
        String lineText = fromLine.isEmpty() ? "" : String.format(Locale.ROOT,
                "; from its \"Added\" line: p50 %.1f ms, p90 %.1f ms, min %.1f ms, max %.1f ms",
                rank(fromLine, 50), rank(fromLine, 90), fromLine.get(0), fromLine.get(fromLine.size() - 1));
        if (delays.isEmpty()) {
            System.out.println(json ? String.format("{\"added\": %d, \"samples\": 0}", added)
                    : "add -> claim delay: no task with prefix " + prefix + " was claimed (" + added + " added)");
            return;
        }
        System.out.println(json
                ? String.format(Locale.ROOT, "{\"added\": %d, \"samples\": %d, \"p50_ms\": %.1f, \"p90_ms\": %.1f, \"p99_ms\": %.1f, "
                        + "\"min_ms\": %.1f, \"max_ms\": %.1f%s}", added, delays.size(), rank(delays, 50), rank(delays, 90),
                        rank(delays, 99), delays.get(0), delays.get(delays.size() - 1), lineJson)
                : String.format(Locale.ROOT, "add -> claim delay over %d adds, from created_at: p50 %.1f ms, p90 %.1f ms, min %.1f ms, max %.1f ms%s",
                        delays.size(), rank(delays, 50), rank(delays, 90), delays.get(0), delays.get(delays.size() - 1), lineText));
    }

    private static final Map<String, Pattern> FIELDS = new HashMap<>();

    private static String field(String body, String name) {
        Matcher f = FIELDS.computeIfAbsent(name, n -> Pattern.compile("\"" + n + "\"\\s*:\\s*\"([^\"]*)\"")).matcher(body);
        return f.find() ? f.group(1) : null;
    }

    /** Nearest-rank percentile, as the peers harness computes its own. */
    private static double rank(List<Double> sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
