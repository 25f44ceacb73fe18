package io.vivarium.campaign;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The temp files of a workspace's checkpoints as they come and go, and which process writes each. A checkpoint
 * writes {@code .queue.json.<uuid>.tmp} (when the queue changed) and {@code .execution_log.json.<uuid>.tmp} beside the
 * files, off the workspace lock; then, under it, renames them into place and replaces {@code task_locks/.journal}
 * through {@code task_locks/..journal.<uuid>.tmp}. Polled every millisecond or so, this sees all three; a temp file
 * is pinned on the process that holds it open (read from {@code /proc/PID/fd}) when it is first seen.
 *
 * <p>A temp file whose writer died is a leftover: no process may ever read it or rename it into place. To make any
 * such read loud, {@link #poison} overwrites a leftover with a torn document.
 */
final class CheckpointWatch {

    enum Kind { QUEUE, LOG, JOURNAL }

    /** A torn document: whoever parses or installs a leftover fails, or leaves a file the audits find torn. */
    static final byte[] TORN = "{\"version\":\"1.0\",\"tasks\":[{\"id\":\"torn-leftover".getBytes(StandardCharsets.UTF_8);

    /** One temp file, and the pid of the process that had it open when it was first seen (0 when none had). */
    static final class Temp {
        final Path path;
        final Kind kind;
        final long seenAt = System.nanoTime();
        long writer;

        Temp(Path path, Kind kind) {
            this.path = path;
            this.kind = kind;
        }

        boolean exists() {
            return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
        }

        @Override
        public String toString() {
            return kind + " " + path.getFileName() + (writer == 0 ? "" : " of " + writer);
        }
    }

    private final Path root;
    private final Path locks;
    private final Map<Path, Temp> present = new LinkedHashMap<>();
    private final Set<Path> leftovers = new HashSet<>();
    /** How long temp files lived, in microseconds, measured when two looks were close enough to tell. */
    private final Map<Kind, List<Long>> lifetimes = new EnumMap<>(Kind.class);
    private long lastPoll;

    CheckpointWatch(Path workspace) {
        try {
            this.root = workspace.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.locks = root.resolve("task_locks");
    }

    /** The kind of a checkpoint's temp file by its name; null for anything else (a lease file's temp, say). */
    static Kind kindOf(String name) {
        if (!name.endsWith(".tmp")) {
            return null;
        }
        if (name.startsWith(".queue.json.")) {
            return Kind.QUEUE;
        }
        if (name.startsWith(".execution_log.json.")) {
            return Kind.LOG;
        }
        return name.startsWith("..journal.") ? Kind.JOURNAL : null;
    }

    /**
     * Looks once. Returns the temp files that appeared since the last look (not leftovers), each pinned on whichever
     * of {@code writers} holds it open when {@code attribute} is set.
     */
    List<Temp> poll(Collection<Long> writers, boolean attribute) {
        Set<Path> now = list();
        long at = System.nanoTime();
        boolean close = at - lastPoll < 2_000_000;
        lastPoll = at;
        for (var gone = present.values().iterator(); gone.hasNext(); ) {
            Temp temp = gone.next();
            if (!now.contains(temp.path)) {
                if (close) {
                    lifetimes.computeIfAbsent(temp.kind, k -> new ArrayList<>()).add((at - temp.seenAt) / 1000);
                }
                gone.remove();
            }
        }
        List<Temp> fresh = new ArrayList<>();
        for (Path path : now) {
            if (!present.containsKey(path) && !leftovers.contains(path)) {
                Temp temp = new Temp(path, kindOf(path.getFileName().toString()));
                present.put(path, temp);
                fresh.add(temp);
            }
        }
        if (attribute) {
            attribute(fresh, writers);
        }
        return fresh;
    }

    /** Temp files there now, that were seen appear and are not known leftovers. */
    Collection<Temp> present() {
        return List.copyOf(present.values());
    }

    /**
     * After {@code victim} died: its temp files that are still there (it died while they existed). A temp file no
     * live process holds open may be one a live writer has closed and is about to rename: it counts as the victim's
     * only if it is still there {@code settleMillis} later.
     */
    List<Temp> leftoversOf(long victim, Collection<Long> alive, long settleMillis) throws InterruptedException {
        poll(alive, false);
        List<Temp> theirs = new ArrayList<>();
        List<Temp> unknown = new ArrayList<>();
        for (Temp temp : present.values()) {
            if (temp.writer == victim && temp.exists()) {
                theirs.add(temp);
            } else if (temp.writer == 0) {
                unknown.add(temp);
            }
        }
        attribute(unknown, alive);
        long deadline = System.nanoTime() + settleMillis * 1_000_000;
        for (Temp temp : unknown) {
            if (temp.writer != 0 || namesAnotherLiveWriter(temp, victim, alive)) {
                // A live writer between closing its temp and renaming it (waiting for the workspace lock, which
                // under load can take longer than the settle time): not the victim's, and never to be torn.
                continue;
            }
            while (temp.exists() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            if (temp.exists()) {
                temp.writer = victim;
                theirs.add(temp);
            }
        }
        for (Temp temp : theirs) {
            leftovers.add(temp.path);
            present.remove(temp.path);
        }
        return theirs;
    }

    /** The median and 90th percentile of how long temp files of a kind lived, in milliseconds ("-" for none). */
    String lifetime(Kind kind) {
        List<Long> all = lifetimes.getOrDefault(kind, List.of()).stream().sorted().toList();
        if (all.isEmpty()) {
            return "-";
        }
        return String.format("%.1f/%.1f ms", all.get(all.size() / 2) / 1000.0, all.get(all.size() * 9 / 10) / 1000.0);
    }

    /** Every checkpoint temp file there now; call once every process is gone. */
    List<Path> all() {
        return List.copyOf(list());
    }

    /** Makes a leftover a torn document, so that reading it, or installing it, cannot go unnoticed. */
    static void poison(Path leftover) throws IOException {
        try {
            Files.write(leftover, TORN, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            // removed since: nothing left to guard
        }
    }

    static Map<Kind, Integer> count(Collection<Temp> temps) {
        Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
        temps.forEach(t -> counts.merge(t.kind, 1, Integer::sum));
        return counts;
    }

    private Set<Path> list() {
        Set<Path> found = new HashSet<>();
        for (Path dir : List.of(root, locks)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, ".*.tmp")) {
                for (Path entry : entries) {
                    if (kindOf(entry.getFileName().toString()) != null) {
                        found.add(entry);
                    }
                }
            } catch (NoSuchFileException e) {
                // task_locks/ not made yet
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }

    /** The writer's pid in the temp's name ({@code .<target>.<pid>-<uuid>.tmp}) is alive and not the victim's. */
    private static boolean namesAnotherLiveWriter(Temp temp, long victim, Collection<Long> alive) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\.(\\d+)-[0-9a-f-]{36}\\.tmp$")
                .matcher(temp.path.getFileName().toString());
        if (!m.find()) {
            return false;
        }
        long named = Long.parseLong(m.group(1));
        return named != victim && alive.contains(named);
    }

    /** Pins each temp file on the process among {@code pids} that has it open, if any has. */
    private static void attribute(List<Temp> temps, Collection<Long> pids) {
        List<Temp> open = new ArrayList<>(temps.stream().filter(t -> t.writer == 0).toList());
        for (long pid : pids) {
            if (open.isEmpty()) {
                return;
            }
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
                for (Path fd : fds) {
                    Path target;
                    try {
                        target = Files.readSymbolicLink(fd);
                    } catch (IOException closed) {
                        continue;
                    }
                    for (Temp temp : open) {
                        if (temp.path.equals(target)) {
                            temp.writer = pid;
                            open.remove(temp);
                            break;
                        }
                    }
                }
            } catch (IOException ended) {
                // the process ended meanwhile
            }
        }
    }
}
