package org.spfgate.config;

/**
 * One problem in a config file: where it is (key path and position) and what is wrong.
 *
 * @param keyPath the key as an operator would look for it, e.g. {@code server.max_message_size}
 *                or {@code trusted[1].networks[0]}; empty for problems of the YAML syntax itself
 * @param line    1-based line of the offending key or value; 0 when not tied to a position
 * @param column  1-based column; 0 when not tied to a position
 */
public record ConfigError(String keyPath, int line, int column, String message) {

    /** E.g. {@code line 4, column 21: server.max_message_size: not a size: "50XB" (...)}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        if (line > 0) {
            b.append("line ").append(line).append(", column ").append(column).append(": ");
        }
        if (!keyPath.isEmpty()) {
            b.append(keyPath).append(": ");
        }
        return b.append(message).toString();
    }
}
