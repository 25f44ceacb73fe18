package io.vivarium.code.review;

/** A patch coloured as git colours its diffs on a terminal (git's default diff colours). */
public final class PatchColours {

    private static final String RESET = "\u001b[m";
    private static final String BOLD = "\u001b[1m";
    private static final String CYAN = "\u001b[36m";
    private static final String RED = "\u001b[31m";
    private static final String GREEN = "\u001b[32m";

    private PatchColours() {
    }

    public static String colour(String patch) {
        StringBuilder out = new StringBuilder(patch.length() + patch.length() / 8);
        for (String line : patch.split("\n", -1)) {
            String colour = line.startsWith("diff --git") || line.startsWith("index ") || line.startsWith("--- ")
                    || line.startsWith("+++ ") || line.startsWith("new file") || line.startsWith("deleted file")
                    ? BOLD
                    : line.startsWith("@@") ? CYAN
                    : line.startsWith("+") ? GREEN
                    : line.startsWith("-") ? RED : null;
            out.append(colour == null || line.isEmpty() ? line : colour + line + RESET).append('\n');
        }
        out.setLength(Math.max(0, out.length() - 1));
        return out.toString();
    }
}
