package org.spfgate.spf;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Parses record texts, remembering the results (and syntax errors) by text so that a busy
 * gateway parses each distinct record once. Bounded: past {@link #MAX_ENTRIES} distinct texts
 * the memory is simply cleared. Thread-safe.
 */
final class RecordParser {

    static final int MAX_ENTRIES = 10_000;

    /** A parse result: the record or the syntax error's message. */
    private record Parsed(SpfRecord record, String error) {
    }

    private final ConcurrentHashMap<String, Parsed> parsed = new ConcurrentHashMap<>();

    SpfRecord parse(String text) throws SpfSyntaxException {
        Parsed p = parsed.get(text);
        if (p == null) {
            try {
                p = new Parsed(SpfRecord.parse(text), null);
            } catch (SpfSyntaxException e) {
                p = new Parsed(null, e.getMessage());
            }
            if (parsed.size() >= MAX_ENTRIES) {
                parsed.clear();
            }
            parsed.put(text, p);
        }
        if (p.error() != null) {
            throw new SpfSyntaxException(p.error());
        }
        return p.record();
    }
}
