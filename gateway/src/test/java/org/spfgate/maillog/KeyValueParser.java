package org.spfgate.maillog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a key=value log line back the way a log tool would (logfmt with our escapes), so tests can
 * prove that hostile text stays inside its own field.
 */
final class KeyValueParser {

    private KeyValueParser() {
    }

    /** The fields after the {@code spfgate:} tag, in order, values unescaped. */
    static List<Map.Entry<String, String>> fields(String line) {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new AssertionError("not one line: " + line);
        }
        int start = line.indexOf(" spfgate: ");
        if (start < 0) {
            throw new AssertionError("no spfgate tag: " + line);
        }
        List<Map.Entry<String, String>> fields = new ArrayList<>();
        int i = start + " spfgate:".length();
        while (i < line.length()) {
            if (line.charAt(i) != ' ') {
                throw new AssertionError("expected a space at " + i + ": " + line);
            }
            int eq = line.indexOf('=', i);
            String key = line.substring(i + 1, eq);
            if (!key.matches("[a-z_]+")) {
                throw new AssertionError("bad key '" + key + "' in " + line);
            }
            i = eq + 1;
            StringBuilder value = new StringBuilder();
            if (i < line.length() && line.charAt(i) == '"') {
                i++;
                while (line.charAt(i) != '"') {
                    char c = line.charAt(i++);
                    if (c != '\\') {
                        value.append(c);
                        continue;
                    }
                    char e = line.charAt(i++);
                    switch (e) {
                        case 'n' -> value.append('\n');
                        case 'r' -> value.append('\r');
                        case 't' -> value.append('\t');
                        case 'x' -> {
                            value.append((char) Integer.parseInt(line.substring(i, i + 2), 16));
                            i += 2;
                        }
                        case 'u' -> {
                            int close = line.indexOf('}', i);
                            value.appendCodePoint(Integer.parseInt(line.substring(i + 1, close), 16));
                            i = close + 1;
                        }
                        default -> value.append(e);
                    }
                }
                i++;
            } else {
                int end = line.indexOf(' ', i);
                end = end < 0 ? line.length() : end;
                value.append(line, i, end);
                i = end;
            }
            fields.add(Map.entry(key, value.toString()));
        }
        return fields;
    }
}
