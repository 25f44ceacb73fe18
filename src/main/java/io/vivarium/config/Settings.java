package io.vivarium.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where a setting such as {@code VIVARIUM_API_TOKEN} comes from, in the one order every reader uses: the
 * environment, then the workspace's {@code .env}, then the reader's own default. The first source that names the
 * variable decides; a blank value there means "not set" to whoever reads it (so {@code VIVARIUM_API_TOKEN=} in the
 * environment turns off a token kept in {@code .env}).
 *
 * <p>The CLI's option defaults read it through {@code cli.SettingsDefaults}; {@code serve} hands {@link #dotEnv()}
 * to Spring as a property source just after the environment's, so Spring's placeholders see the same order.
 */
public final class Settings {

    private final Map<String, String> environment;
    private final Map<String, String> dotEnv;

    private Settings(Map<String, String> environment, Map<String, String> dotEnv) {
        this.environment = Map.copyOf(environment);
        this.dotEnv = Map.copyOf(dotEnv);
    }

    /** Reads {@code workspace/.env} now; see {@link DotEnv#read} for when that fails. */
    public static Settings load(Map<String, String> environment, Path workspace) {
        return new Settings(environment, DotEnv.read(workspace));
    }

    public static Settings of(Map<String, String> environment, Map<String, String> dotEnv) {
        return new Settings(environment, dotEnv);
    }

    /** The value the first source gives, possibly blank; null when no source names it. */
    public String get(String name) {
        String value = environment.get(name);
        return value != null ? value : dotEnv.get(name);
    }

    /** The value, or {@code fallback} when no source sets it to something non-blank. */
    public String get(String name, String fallback) {
        String value = get(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    public boolean isSet(String name) {
        String value = get(name);
        return value != null && !value.isBlank();
    }

    /** The workspace's {@code .env} values alone, for a framework that already reads the environment itself. */
    public Map<String, String> dotEnv() {
        return dotEnv;
    }
}
