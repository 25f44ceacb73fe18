package io.vivarium.grind;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The command meter's rate in dollars per second at medium intensity, how much output a grind keeps, and which
 * of Vivarium's own secrets the user lets grinds see ({@code --grind-env} / {@code vivarium.grind-env}).
 */
public record GrindSettings(double dollarsPerSecond, int outputLimitBytes, Set<String> grindEnv) {

    public static final double DEFAULT_RATE = 0.01;
    public static final int DEFAULT_OUTPUT_LIMIT = 64 * 1024;

    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /**
     * Vivarium's own secrets: the LLM key, Spring's JSON settings (which can carry any {@code vivarium.*} value),
     * and every {@code VIVARIUM_*} name that reads like a credential or an address (a store or LLM URL can hold
     * a password). Matched without case, as Spring's relaxed binding reads {@code vivarium_api_token} too.
     */
    private static final Pattern SECRET = Pattern.compile(
            "TOGETHER_API_KEY|SPRING_APPLICATION_JSON|VIVARIUM_\\w*(TOKEN|KEY|PASSWORD|PASSWD|SECRET|CREDENTIAL|URL)\\w*",
            Pattern.CASE_INSENSITIVE);

    public GrindSettings {
        if (!(dollarsPerSecond > 0) || !Double.isFinite(dollarsPerSecond)) {
            throw new IllegalArgumentException("the grind rate must be a positive number of dollars per second");
        }
        grindEnv = grindEnv == null ? Set.of() : Set.copyOf(grindEnv);
        for (String name : grindEnv) {
            if (!VARIABLE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("grind-env lists environment variable names, separated by commas: '"
                        + name + "' is not one");
            }
        }
    }

    public GrindSettings(double dollarsPerSecond, int outputLimitBytes) {
        this(dollarsPerSecond, outputLimitBytes, Set.of());
    }

    public static GrindSettings defaults() {
        return new GrindSettings(DEFAULT_RATE, DEFAULT_OUTPUT_LIMIT);
    }

    /** {@code "A, B"} as the set {A, B}; blank means none. */
    public static Set<String> names(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(commaSeparated.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    public static boolean isSecret(String name) {
        return SECRET.matcher(name).matches();
    }

    /** Takes Vivarium's secrets out of a grind's environment, but those the user named. */
    void withholdSecrets(Map<String, String> environment) {
        environment.keySet().removeIf(name -> isSecret(name) && !grindEnv.contains(name));
    }
}
