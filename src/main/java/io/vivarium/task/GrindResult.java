package io.vivarium.task;

/**
 * What one grind did: whether it succeeded, what it cost and what it said. {@code error} is set when it failed;
 * {@code output} is the tail of a command's stdout and stderr. A failure that would only repeat itself if tried
 * again (an exhausted budget) is not {@code retryable}. A prompt grind also says how many tokens it sent and got
 * back; other grinds use none. A code grind also says what it did in its worktree ({@code code}).
 */
public record GrindResult(boolean succeeded, double budgetUsed, String result, String error, Integer exitCode,
                          String output, boolean retryable, long tokensIn, long tokensOut, CodeRun code) {

    public GrindResult(boolean succeeded, double budgetUsed, String result, String error, Integer exitCode,
                       String output, boolean retryable, long tokensIn, long tokensOut) {
        this(succeeded, budgetUsed, result, error, exitCode, output, retryable, tokensIn, tokensOut, null);
    }

    public static GrindResult success(double budgetUsed, String result, Integer exitCode, String output) {
        return new GrindResult(true, budgetUsed, result, null, exitCode, output, false, 0, 0);
    }

    public static GrindResult failure(double budgetUsed, String error, Integer exitCode, String output) {
        return new GrindResult(false, budgetUsed, null, error, exitCode, output, true, 0, 0);
    }

    public static GrindResult finalFailure(double budgetUsed, String error, Integer exitCode, String output) {
        return new GrindResult(false, budgetUsed, null, error, exitCode, output, false, 0, 0);
    }

    /** The same result, with the tokens a prompt grind sent ({@code in}) and got back ({@code out}). */
    public GrindResult withTokens(long in, long out) {
        return new GrindResult(succeeded, budgetUsed, result, error, exitCode, output, retryable, in, out, code);
    }

    /** The same result, with what a code grind did in its worktree. */
    public GrindResult withCode(CodeRun code) {
        return new GrindResult(succeeded, budgetUsed, result, error, exitCode, output, retryable, tokensIn, tokensOut,
                code);
    }
}
