package io.vivarium.code.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** A real git repository in a temp dir: a small Python project whose {@code add} subtracts. */
final class GitRepo {

    static final String CALC = """
            def add(a, b):
                return a - b


            def sub(a, b):
                return a - b
            """;
    static final String TEST = """
            from app.calc import add, sub


            def test_add():
                assert add(2, 3) == 5


            def test_sub():
                assert sub(5, 3) == 2
            """;
    static final String CHECK = "python3 -m pytest -q -p no:cacheprovider 2>&1";

    private GitRepo() {
    }

    static Path calculator(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("app"));
        Files.createDirectories(dir.resolve("tests"));
        Files.writeString(dir.resolve("app/calc.py"), CALC);
        Files.writeString(dir.resolve("tests/test_calc.py"), TEST);
        git(dir, "init", "-q", "-b", "main");
        git(dir, "add", "-A");
        git(dir, "-c", "user.name=Test", "-c", "user.email=test@localhost", "commit", "-q", "-m", "calculator");
        return dir;
    }

    static String git(Path dir, String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "git";
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("git " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every file under {@code dir} (.git included) with a hash of its bytes, or the link's target for a symlink. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                String name = dir.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    files.put(name, "-> " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p)) {
                    files.put(name, sha(Files.readAllBytes(p)));
                } else {
                    files.put(name + "/", "dir");
                }
            }
        }
        return files;
    }

    private static String sha(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
