package org.spfgate.config;

import java.math.BigInteger;
import java.util.List;

/**
 * A node of a YAML document that remembers where it was written, so that every config error can
 * name its line and column. Jackson's own tree ({@code JsonNode}) drops locations, and databind
 * stops at the first problem; this tree lets the binder check every key and report them all.
 */
sealed interface YamlNode {

    Position position();

    /** What the operator would call this kind of node in an error message. */
    String describe();

    /** 1-based line and column of the node's first character. */
    record Position(int line, int column) {
    }

    /** A {@code key: value} mapping, entries in file order, duplicates kept (the binder reports them). */
    record Mapping(Position position, List<Entry> entries) implements YamlNode {
        public String describe() {
            return "a mapping";
        }
    }

    record Entry(String key, Position keyPosition, YamlNode value) {
    }

    record Sequence(Position position, List<YamlNode> items) implements YamlNode {
        public String describe() {
            return "a list";
        }
    }

    /**
     * A scalar as YAML typed it: {@code 25} is an integer, {@code "25"} a string, {@code true}
     * a boolean, {@code ~} or nothing at all a null.
     *
     * @param integer the value when {@code kind == INTEGER}, else {@code null}
     */
    record Scalar(Position position, Kind kind, String text, BigInteger integer) implements YamlNode {

        enum Kind { STRING, INTEGER, FLOAT, BOOLEAN, NULL }

        public String describe() {
            return switch (kind) {
                case STRING -> "the string \"" + text + "\"";
                case INTEGER, FLOAT -> "the number " + text;
                case BOOLEAN -> "the boolean " + text;
                case NULL -> "nothing (null)";
            };
        }

        boolean isNull() {
            return kind == Kind.NULL;
        }
    }
}
