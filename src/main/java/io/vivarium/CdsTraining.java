package io.vivarium;

import io.vivarium.cli.Cli;
import io.vivarium.cli.CliContext;
import io.vivarium.cli.CliLogging;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The run the {@code vivarium} launcher archives the classes of (class data sharing): the everyday verbs, once
 * each, in one JVM over a throw-away workspace, so the archive holds what {@code add}, {@code status} and the
 * others load whichever verb the user happened to run first. Not a verb: {@code java -cp vivarium.jar
 * io.vivarium.CdsTraining}.
 */
public final class CdsTraining {

    private static final List<List<String>> VERBS = List.of(
            List.of("add", "warm_a", "grind"),
            List.of("add", "warm_b", "grind", "--command", "true", "--depends-on", "warm_a"),
            List.of("status"),
            List.of("status", "--json"),
            List.of("cancel", "warm_b"),
            List.of("retry", "warm_b"),
            List.of("costs"),
            List.of("limit"),
            List.of("list"),
            List.of("show", "warm_a"),
            List.of("queue", "list"),
            List.of("pause"),
            List.of("resume"),
            List.of("clear"));

    private CdsTraining() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty(CliLogging.PROPERTY, "true");
        Path workspace = Files.createTempDirectory("vivarium-cds-training");
        try {
            for (List<String> verb : VERBS) {
                String[] line = Stream.concat(verb.stream(), Stream.of("-w", workspace.toString()))
                        .toArray(String[]::new);
                CommandLine cli = Cli.create(CliContext.system(), line);
                cli.setOut(new PrintWriter(Writer.nullWriter()));
                cli.setErr(new PrintWriter(Writer.nullWriter()));
                cli.execute(line);
            }
        } finally {
            try (Stream<Path> files = Files.walk(workspace)) {
                files.sorted(Comparator.reverseOrder()).forEach(CdsTraining::deleteQuietly);
            }
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
