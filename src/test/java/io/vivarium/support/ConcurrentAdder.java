package io.vivarium.support;

import io.vivarium.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Child-JVM entry point: waits for a start signal, then runs {@code add} through the real CLI from several threads.
 * Args: workspace prefix count threads goFile [more add options…].
 */
public final class ConcurrentAdder {

    public static void main(String[] args) throws Exception {
        Path workspace = Path.of(args[0]);
        String prefix = args[1];
        int count = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        Path go = Path.of(args[4]);
        List<String> more = List.of(args).subList(5, args.length);
        while (!Files.exists(go)) {
            Thread.sleep(5);
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                    List<String> add = new ArrayList<>(List.of("add", prefix + "_" + i, "grind", "--workspace",
                            workspace.toString()));
                    add.addAll(more);
                    int code = Cli.create().execute(add.toArray(String[]::new));
                    if (code != 0) {
                        failures.incrementAndGet();
                    }
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        System.out.println("failures=" + failures.get());
        System.exit(failures.get() == 0 ? 0 : 1);
    }
}
