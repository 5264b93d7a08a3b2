package io.cometgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where a {@code serve} flag not given on the command line gets its value: the environment
 * ({@code --drain-timeout} is {@code COMETGATE_DRAIN_TIMEOUT}), then the config file
 * ({@code --config FILE} or {@code COMETGATE_CONFIG}; {@code drain-timeout = 45s}), then the
 * built-in default. picocli asks this only for options the command line left out, which gives
 * the precedence flag > environment > file > default. A value from either source goes through
 * the flag's own converter here, so a bad one is reported with its source
 * ({@code COMETGATE_HEARTBEAT: ...}, {@code /etc/cometgate/serve.conf:3: ...}).
 */
final class ServeDefaults implements CommandLine.IDefaultValueProvider {

    static final String ENV_PREFIX = "COMETGATE_";
    static final String CONFIG_ENV = ENV_PREFIX + "CONFIG";
    /**
     * COMETGATE_* names that are not settings but are commonly set around the gateway (the
     * jar's path in launch scripts and this project's own test harnesses), so a process that
     * inherits them still starts.
     */
    static final Set<String> LAUNCHER_VARIABLES = Set.of(ENV_PREFIX + "JAR", ENV_PREFIX + "HOME", ENV_PREFIX + "OPTS");
    private static final Set<String> NOT_SETTINGS = Set.of("help", "version", "config");

    private final Map<String, String> env;
    private CommandSpec spec;
    private ServeSettings file;
    private Path filePath;

    ServeDefaults(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public String defaultValue(ArgSpec arg) throws Exception {
        if (!(arg instanceof OptionSpec option) || NOT_SETTINGS.contains(name(option))) {
            return null;
        }
        spec = option.command();
        String envName = envName(option);
        String value = env.get(envName);
        String source = envName + "=" + value;
        if (value == null) {
            ServeSettings.Value fromFile = settings().get(name(option));
            if (fromFile == null) {
                return null;
            }
            value = fromFile.text();
            source = fromFile.source();
        }
        check(option, value, source);
        return value;
    }

    /**
     * What the environment and the config file say that names no flag (a misspelt
     * {@code COMETGATE_LISSEN} would otherwise be ignored in silence), and the file's syntax errors.
     */
    List<String> problems(CommandSpec serve) {
        spec = serve;
        List<String> problems = new ArrayList<>(settings().problems());
        for (String variable : env.keySet()) {
            if (variable.startsWith(ENV_PREFIX) && !variable.equals(CONFIG_ENV)
                    && !LAUNCHER_VARIABLES.contains(variable) && findByEnv(serve, variable) == null) {
                problems.add(variable + " is not a serve setting (each flag --some-flag is COMETGATE_SOME_FLAG)");
            }
        }
        settings().names().forEach((name, where) -> {
            OptionSpec option = serve.findOption("--" + name);
            if (option == null || NOT_SETTINGS.contains(name) || !name(option).equals(name)) {
                problems.add(where + ": '" + name + "' is not a serve setting (each flag --some-flag is 'some-flag = VALUE')");
            }
        });
        return problems;
    }

    /** The file named now (read again when that changes: one command line may be parsed several times). */
    private ServeSettings settings() {
        Path path = configPath();
        if (file == null || !java.util.Objects.equals(path, filePath)) {
            file = path == null ? ServeSettings.empty() : ServeSettings.read(path);
            filePath = path;
        }
        return file;
    }

    private Path configPath() {
        OptionSpec config = spec.findOption("--config");
        Object given = config == null ? null : config.getValue();
        if (given != null) {
            return (Path) given;
        }
        String fromEnv = env.get(CONFIG_ENV);
        return fromEnv == null || fromEnv.isBlank() ? null : Path.of(fromEnv);
    }

    /** Converts as picocli will, to report a bad value with where it came from. */
    private void check(OptionSpec option, String value, String source) {
        String display = source;
        if (option.type() == boolean.class || option.type() == Boolean.class) {
            if (!value.equals("true") && !value.equals("false")) {
                throw new CommandLine.ParameterException(spec.commandLine(), display + ": must be true or false");
            }
            return;
        }
        if (option.converters().length == 0) {
            return;
        }
        String[] parts = option.splitRegex().isEmpty() ? new String[] {value} : value.split(option.splitRegex());
        for (String part : parts) {
            try {
                option.converters()[0].convert(part.strip());
            } catch (CommandLine.TypeConversionException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), display + ": " + e.getMessage());
            } catch (Exception e) {
                throw new CommandLine.ParameterException(spec.commandLine(), display + ": " + e);
            }
        }
    }

    private static OptionSpec findByEnv(CommandSpec serve, String variable) {
        return serve.options().stream().filter(o -> envName(o).equals(variable) && !NOT_SETTINGS.contains(name(o)))
                .findFirst().orElse(null);
    }

    /** {@code --drain-timeout} is {@code drain-timeout}. */
    static String name(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    /** {@code --drain-timeout} is {@code COMETGATE_DRAIN_TIMEOUT}. */
    static String envName(OptionSpec option) {
        return ENV_PREFIX + name(option).toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
