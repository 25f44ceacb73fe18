package io.vivarium.store.file;

import io.vivarium.store.CommitResult;
import io.vivarium.store.Finish;
import io.vivarium.store.Lease;
import io.vivarium.store.StoreSettings;
import io.vivarium.store.TaskStore;
import io.vivarium.store.TaskStoreContract;
import io.vivarium.store.WorkerIdentity;
import io.vivarium.support.JavaProcess;
import io.vivarium.support.MutableClock;
import io.vivarium.task.GrindResult;
import io.vivarium.task.RetryPolicy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.json.JsonMapper;

/**
 * Both ends of a worker that owns claims on a workspace from a JVM of its own, which is what a claim owner of the
 * file store is: its claims are locked by its process, so only killing that process ({@link #crash()}) leaves the
 * orphaned claim files a real crash leaves. The parent sends one command per line with its clock's time, the child
 * answers one line; a lease travels as {@code id:attempt:fence}.
 */
final class OwnerProcess implements TaskStoreContract.OtherOwner {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process process;
    private final PrintWriter commands;
    private final BufferedReader answers;
    private final Clock clock;
    private final TaskStore reader;
    private final WorkerIdentity identity;

    OwnerProcess(Path workspace, Clock clock, StoreSettings settings) {
        this.clock = clock;
        this.reader = new FileTaskStore(workspace, clock, settings);
        this.process = JavaProcess.start(JavaProcess.builder(OwnerProcess.class, workspace.toString(),
                        millis(settings.lease()), millis(settings.retry().base()), millis(settings.retry().max()),
                        millis(settings.missingClaimGrace()))
                .redirectError(ProcessBuilder.Redirect.INHERIT));
        this.commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String[] ready = answer().split(" ");
        this.identity = new WorkerIdentity(ready[0], Long.parseLong(ready[1]), ready[2]);
    }

    @Override
    public WorkerIdentity worker() {
        return identity;
    }

    @Override
    public CommitResult commit(List<Finish> finished, int maxClaims) {
        Map<String, Lease> known = new HashMap<>();
        StringBuilder line = new StringBuilder("commit ").append(clock.instant()).append(' ').append(maxClaims);
        for (Finish finish : finished) {
            known.put(ref(finish.lease()), finish.lease());
            line.append(' ').append(ref(finish.lease())).append('=')
                    .append(finish.isRelease() ? "release" : encode(finish.result()));
        }
        String[] parts = ask(line.toString()).split("\\|", -1);
        List<Lease> claimed = refs(parts[0]).stream().map(this::leaseOf).toList();
        List<Lease> lost = refs(parts[1]).stream().map(known::get).toList();
        Optional<Instant> backoff = parts[3].isEmpty() ? Optional.empty() : Optional.of(Instant.parse(parts[3]));
        return new CommitResult(claimed, lost, Boolean.parseBoolean(parts[2]), backoff, Long.parseLong(parts[4]));
    }

    @Override
    public List<Lease> renew(List<Lease> leases) {
        Map<String, Lease> known = new HashMap<>();
        StringBuilder line = new StringBuilder("renew ").append(clock.instant()).append(" 0");
        for (Lease lease : leases) {
            known.put(ref(lease), lease);
            line.append(' ').append(ref(lease));
        }
        return refs(ask(line.toString())).stream().map(known::get).toList();
    }

    @Override
    public boolean recordGrind(Lease lease, long pid, Instant startedAt) {
        return Boolean.parseBoolean(ask("grind " + clock.instant() + " " + pid + " " + ref(lease) + " " + startedAt));
    }

    @Override
    public void crash() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("owner process " + process.pid() + " did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            crash();
        }
        reader.close();
    }

    private Lease leaseOf(String ref) {
        String[] p = ref.split(":");
        return new Lease(reader.find(p[0]).orElseThrow().task(), Integer.parseInt(p[1]), identity,
                Long.parseLong(p[2]));
    }

    private String ask(String command) {
        commands.println(command);
        return answer();
    }

    private String answer() {
        try {
            String line = answers.readLine();
            if (line == null) {
                throw new IllegalStateException("owner process ended; its stderr is in the test output");
            }
            if (line.startsWith("!")) {
                throw new IllegalStateException("owner process: " + line.substring(1));
            }
            return line;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String ref(Lease lease) {
        return lease.taskId() + ":" + lease.attempt() + ":" + lease.fence();
    }

    private static List<String> refs(String text) {
        return text.isBlank() ? List.of() : Arrays.asList(text.trim().split(" "));
    }

    private static String join(List<Lease> leases) {
        return String.join(" ", leases.stream().map(OwnerProcess::ref).toList());
    }

    private static String millis(Duration d) {
        return Long.toString(d.toMillis());
    }

    private static String encode(GrindResult result) {
        return Base64.getUrlEncoder().encodeToString(JSON.writeValueAsBytes(result));
    }

    private static GrindResult decode(String text) {
        return JSON.readValue(Base64.getUrlDecoder().decode(text), GrindResult.class);
    }

    /** The child: a file store and a worker identity of its own, driven line by line until it is killed. */
    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        MutableClock clock = new MutableClock(Instant.EPOCH);
        StoreSettings settings = new StoreSettings(Duration.ofMillis(Long.parseLong(args[1])),
                new RetryPolicy(Duration.ofMillis(Long.parseLong(args[2])), Duration.ofMillis(Long.parseLong(args[3]))),
                Duration.ofMillis(Long.parseLong(args[4])));
        TaskStore store = new FileTaskStore(Path.of(args[0]), clock, settings);
        WorkerIdentity worker = WorkerIdentity.create();
        // Like a pool, the child keeps the leases it was given: a lease outlives its task (a clear).
        Map<String, Lease> leases = new HashMap<>();
        out.println(worker.workerId() + " " + worker.pid() + " " + worker.host());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            try {
                String[] words = line.split(" ");
                clock.advance(Duration.between(clock.instant(), Instant.parse(words[1])));
                List<String> rest = Arrays.asList(words).subList(3, words.length);
                out.println(switch (words[0]) {
                    case "commit" -> {
                        List<Finish> finished = new ArrayList<>();
                        for (String word : rest) {
                            String[] refAndResult = word.split("=", 2);
                            Lease lease = childLease(store, worker, leases, refAndResult[0]);
                            finished.add("release".equals(refAndResult[1])
                                    ? Finish.released(lease) : Finish.done(lease, decode(refAndResult[1])));
                        }
                        CommitResult r = store.commit(worker, finished, Integer.parseInt(words[2]));
                        r.claimed().forEach(lease -> leases.put(ref(lease), lease));
                        yield join(r.claimed()) + "|" + join(r.lost()) + "|" + r.runnableLeft() + "|"
                                + r.nextBackoffEnd().map(Instant::toString).orElse("") + "|" + r.version();
                    }
                    case "renew" -> join(store.renew(rest.stream().map(ref -> childLease(store, worker, leases, ref)).toList()));
                    case "grind" -> Boolean.toString(store.recordGrind(childLease(store, worker, leases, rest.get(0)),
                            Long.parseLong(words[2]), Instant.parse(rest.get(1))));
                    default -> throw new IllegalArgumentException("unknown command " + words[0]);
                });
            } catch (RuntimeException e) {
                out.println("!" + e.toString().replace('\n', ' '));
            }
        }
    }

    private static Lease childLease(TaskStore store, WorkerIdentity worker, Map<String, Lease> leases, String ref) {
        Lease known = leases.get(ref);
        if (known != null) {
            return known;
        }
        String[] p = ref.split(":");
        return new Lease(store.find(p[0]).orElseThrow().task(), Integer.parseInt(p[1]), worker, Long.parseLong(p[2]));
    }
}
