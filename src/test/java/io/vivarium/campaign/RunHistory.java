package io.vivarium.campaign;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The history campaign tasks write: each run appends {@code start ID TOKEN} when it begins and {@code end ID TOKEN}
 * when it finishes (TOKEN is the run's shell pid). A killed run never writes its end, so an {@code end} that comes
 * after a later {@code start} of the same task means two runs of it overlapped.
 */
final class RunHistory {

    static String command(String id, double seconds) {
        return "echo \"start " + id + " $$\" >> runs.log; sleep " + seconds + "; echo \"end " + id + " $$\" >> runs.log";
    }

    record Run(String token, int startLine, int endLine) {
        boolean ended() {
            return endLine >= 0;
        }
    }

    private final Map<String, List<Run>> runsByTask = new LinkedHashMap<>();
    private final List<String> violations = new ArrayList<>();
    private int lines;

    static RunHistory read(Path file) throws IOException {
        RunHistory history = new RunHistory();
        if (Files.exists(file)) {
            history.parse(Files.readAllLines(file));
        }
        return history;
    }

    private void parse(List<String> all) {
        Map<String, Integer> startLineOfToken = new HashMap<>();
        Map<String, Integer> endLineOfToken = new HashMap<>();
        Map<String, String> taskOfToken = new HashMap<>();
        for (String line : all) {
            lines++;
            String[] parts = line.trim().split(" ");
            if (parts.length != 3 || !(parts[0].equals("start") || parts[0].equals("end"))) {
                violations.add("torn or foreign line " + lines + " in runs.log: '" + line + "'");
                continue;
            }
            String key = parts[1] + "/" + parts[2];
            if (parts[0].equals("start")) {
                startLineOfToken.put(key, lines);
                taskOfToken.put(key, parts[1]);
            } else {
                endLineOfToken.put(key, lines);
            }
        }
        startLineOfToken.entrySet().stream()
                .sorted(Map.Entry.comparingByValue())
                .forEach(e -> runsByTask.computeIfAbsent(taskOfToken.get(e.getKey()), k -> new ArrayList<>())
                        .add(new Run(e.getKey(), e.getValue(), endLineOfToken.getOrDefault(e.getKey(), -1))));
        for (Map.Entry<String, List<Run>> task : runsByTask.entrySet()) {
            List<Run> runs = task.getValue();
            for (int i = 0; i < runs.size(); i++) {
                for (int j = i + 1; j < runs.size(); j++) {
                    if (runs.get(i).ended() && runs.get(i).endLine() > runs.get(j).startLine()) {
                        violations.add("task " + task.getKey() + ": run " + runs.get(j).token() + " started (line "
                                + runs.get(j).startLine() + ") before run " + runs.get(i).token() + " ended (line "
                                + runs.get(i).endLine() + ")");
                    }
                }
            }
        }
    }

    List<Run> runsOf(String id) {
        return runsByTask.getOrDefault(id, List.of());
    }

    int totalRuns() {
        return runsByTask.values().stream().mapToInt(List::size).sum();
    }

    int interruptedRuns() {
        return (int) runsByTask.values().stream().flatMap(List::stream).filter(r -> !r.ended()).count();
    }

    /** Tasks that finished more than once: allowed (at least once across a crash), but counted. */
    int tasksRunToTheEndMoreThanOnce() {
        return (int) runsByTask.values().stream().filter(rs -> rs.stream().filter(Run::ended).count() > 1).count();
    }

    List<String> violations() {
        return violations;
    }
}
