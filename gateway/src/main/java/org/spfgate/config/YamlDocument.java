package org.spfgate.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads one YAML document into a {@link YamlNode} tree with Jackson's streaming YAML parser,
 * keeping the position of every key and value.
 */
final class YamlDocument {

    /**
     * Not {@code YAMLFactory.builder().build()}: in 2.21 that one reads an empty value ({@code relay:})
     * as an empty string, where the plain constructor gives null, as YAML means.
     */
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private YamlDocument() {
    }

    /**
     * @return the root node; empty for a document with no content at all (comments only)
     * @throws ConfigException on YAML syntax errors, aliases, or more than one document
     */
    static Optional<YamlNode> read(String source, String text) throws ConfigException {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return Optional.empty();
            }
            YamlNode root = node(source, parser);
            if (parser.nextToken() != null) {
                throw single(source, parser.currentTokenLocation(), "",
                        "more than one YAML document (---): spfgate reads exactly one");
            }
            return Optional.of(root);
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
                throw syntax(source, yaml);
            }
            throw single(source, e.getLocation(), "", "YAML syntax: " + problem(e.getOriginalMessage()));
        } catch (IOException e) {
            // Reading from a String: only parser failures, which are JsonProcessingExceptions.
            throw new IllegalStateException(e);
        }
    }

    private static YamlNode node(String source, JsonParser parser) throws IOException, ConfigException {
        YamlNode.Position at = position(parser.currentTokenLocation());
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            // An alias arrives as the anchor's name, not its value: refuse rather than misread.
            throw single(source, parser.currentTokenLocation(), "",
                    "YAML aliases (*" + parser.getText() + ") are not supported: write the value out");
        }
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> {
                List<YamlNode.Entry> entries = new ArrayList<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    YamlNode.Position keyAt = position(parser.currentTokenLocation());
                    parser.nextToken();
                    entries.add(new YamlNode.Entry(key, keyAt, node(source, parser)));
                }
                yield new YamlNode.Mapping(at, List.copyOf(entries));
            }
            case START_ARRAY -> {
                List<YamlNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(node(source, parser));
                }
                yield new YamlNode.Sequence(at, List.copyOf(items));
            }
            case VALUE_STRING -> scalar(at, YamlNode.Scalar.Kind.STRING, parser);
            case VALUE_NUMBER_INT -> new YamlNode.Scalar(at, YamlNode.Scalar.Kind.INTEGER,
                    parser.getText(), parser.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT -> scalar(at, YamlNode.Scalar.Kind.FLOAT, parser);
            case VALUE_TRUE, VALUE_FALSE -> new YamlNode.Scalar(at, YamlNode.Scalar.Kind.BOOLEAN,
                    String.valueOf(token == JsonToken.VALUE_TRUE), null);
            case VALUE_NULL -> scalar(at, YamlNode.Scalar.Kind.NULL, parser);
            default -> throw single(source, parser.currentTokenLocation(), "",
                    "unexpected YAML content (" + token + ")");
        };
    }

    private static YamlNode.Scalar scalar(YamlNode.Position at, YamlNode.Scalar.Kind kind, JsonParser parser)
            throws IOException {
        return new YamlNode.Scalar(at, kind, parser.getText(), null);
    }

    /**
     * SnakeYAML knows where the problem is (Jackson's location is the last good token) and, for
     * unclosed constructs, where they began: "found unexpected end of stream (while scanning a
     * quoted scalar, which starts at line 1, column 4)".
     */
    private static ConfigException syntax(String source, MarkedYAMLException e) {
        Mark at = e.getProblemMark();
        StringBuilder message = new StringBuilder("YAML syntax: ").append(oneLine(e.getProblem()));
        if (e.getContext() != null) {
            message.append(" (").append(oneLine(e.getContext()));
            Mark start = e.getContextMark();
            if (start != null && (start.getLine() != at.getLine() || start.getColumn() != at.getColumn())) {
                message.append(", which starts at line ").append(start.getLine() + 1)
                        .append(", column ").append(start.getColumn() + 1);
            }
            message.append(")");
        }
        return new ConfigException(source, List.of(
                new ConfigError("", at.getLine() + 1, at.getColumn() + 1, message.toString())));
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").trim();
    }

    /**
     * SnakeYAML's message repeats the position and quotes the line with a caret; the error
     * already carries the position, so keep the sentences only, e.g. "mapping values are not
     * allowed here".
     */
    static String problem(String message) {
        StringBuilder b = new StringBuilder();
        for (String line : message.split("\\R")) {
            String t = line.trim();
            if (t.isEmpty() || t.startsWith("in 'reader'") || t.equals("^") || line.startsWith("    ")) {
                continue;
            }
            if (t.startsWith("at [Source")) {
                break;
            }
            b.append(b.isEmpty() ? "" : ", ").append(t.replaceAll(" in 'reader', line \\d+, column \\d+:?$", ""));
        }
        return b.isEmpty() ? message.trim() : b.toString();
    }

    private static YamlNode.Position position(JsonLocation location) {
        return location == null ? new YamlNode.Position(0, 0)
                : new YamlNode.Position(Math.max(location.getLineNr(), 0), Math.max(location.getColumnNr(), 0));
    }

    private static ConfigException single(String source, JsonLocation at, String keyPath, String message) {
        YamlNode.Position p = position(at);
        return new ConfigException(source, List.of(new ConfigError(keyPath, p.line(), p.column(), message)));
    }
}
