package org.spfgate.config;

import java.util.List;

/**
 * A config file the gateway refuses to start on, with every error found in it (not just the
 * first), each naming its key and line.
 */
public final class ConfigException extends Exception {

    private final String source;
    private final List<ConfigError> errors;

    /**
     * @param source what was read, as the operator named it (a file path), for messages
     * @param errors at least one
     */
    public ConfigException(String source, List<ConfigError> errors) {
        super(describe(source, errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        this.source = source;
        this.errors = List.copyOf(errors);
    }

    public String source() {
        return source;
    }

    public List<ConfigError> errors() {
        return errors;
    }

    private static String describe(String source, List<ConfigError> errors) {
        StringBuilder b = new StringBuilder(source).append(": ").append(errors.size())
                .append(errors.size() == 1 ? " error" : " errors");
        for (ConfigError e : errors) {
            b.append(System.lineSeparator()).append(source).append(": ").append(e);
        }
        return b.toString();
    }
}
