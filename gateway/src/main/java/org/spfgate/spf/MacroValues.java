package org.spfgate.spf;

/** Supplies a macro letter's value during one evaluation (RFC 7208 7.2). */
@FunctionalInterface
interface MacroValues {

    /** The value of lower-case macro {@code letter}, before transformers and escaping. */
    String value(char letter);
}
