package io.vivarium.cli;

import io.vivarium.config.Settings;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Option defaults declared as {@code ${NAME:-fallback}} read NAME from {@link Settings} (the environment, then the
 * workspace's {@code .env}), else take the fallback: the same order {@code serve} gives Spring, with nothing copied
 * into system properties.
 *
 * <p>The {@code .env} is the one in the workspace this very command line names, however it is spelled
 * ({@code -w DIR}, {@code -w=DIR}, {@code -wDIR}, {@code --workspace=DIR}, …): picocli has read every argument of
 * a command before it asks for the defaults of the options that were not given. {@code VIVARIUM_WORKSPACE} itself
 * comes from the environment alone, since a workspace's {@code .env} cannot say where the workspace is.
 */
final class SettingsDefaults implements CommandLine.IDefaultValueProvider {

    static final String WORKSPACE_VARIABLE = "VIVARIUM_WORKSPACE";

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*):-(.*)}", Pattern.DOTALL);

    private final CliContext context;
    private final Settings environmentOnly;
    private final Map<Path, Settings> loaded = new HashMap<>();

    SettingsDefaults(CliContext context) {
        this.context = context;
        this.environmentOnly = Settings.of(context.environment(), Map.of());
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        Matcher m = VARIABLE.matcher(declaredDefault(arg));
        if (!m.matches()) {
            return null; // picocli applies the declared default as usual
        }
        String name = m.group(1);
        String fallback = m.group(2);
        if (name.equals(WORKSPACE_VARIABLE)) {
            return environmentOnly.get(name, fallback);
        }
        return settingsOf(workspaceOf(arg.command())).get(name, fallback);
    }

    private synchronized Settings settingsOf(Path workspace) {
        return loaded.computeIfAbsent(workspace.toAbsolutePath().normalize(), context::settings);
    }

    private Path workspaceOf(CommandSpec command) {
        OptionSpec option = command.findOption("--workspace");
        Object given = option == null ? null : option.getValue();
        if (given instanceof Path path) {
            return path;
        }
        // Not given, and its own default not applied yet: it will be this.
        return Path.of(environmentOnly.get(WORKSPACE_VARIABLE, "."));
    }

    /** The default as written in the annotation, before picocli interpolates it. */
    private static String declaredDefault(ArgSpec arg) {
        if (arg.userObject() instanceof Field field) {
            Option option = field.getAnnotation(Option.class);
            if (option != null) {
                return option.defaultValue();
            }
            Parameters parameters = field.getAnnotation(Parameters.class);
            if (parameters != null) {
                return parameters.defaultValue();
            }
        }
        return "";
    }
}
