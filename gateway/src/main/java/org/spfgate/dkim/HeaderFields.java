package org.spfgate.dkim;

import java.util.ArrayList;
import java.util.List;
import org.apache.james.jdkim.api.Headers;

/**
 * A message's header fields as jDKIM reads them: each {@code Name:value} with its folding, top
 * first; names compared case-insensitively (RFC 5322 1.2.2).
 */
record HeaderFields(List<String> fields) implements Headers {

    @Override
    public List<String> getFields() {
        return fields;
    }

    @Override
    public List<String> getFields(String name) {
        List<String> named = new ArrayList<>();
        for (String field : fields) {
            int colon = field.indexOf(':');
            if (colon > 0 && field.substring(0, colon).strip().equalsIgnoreCase(name)) {
                named.add(field);
            }
        }
        return named;
    }
}
