package org.spfgate.config;

import java.util.List;
import java.util.Locale;

/** The hint after "unknown key": the known key it nearly is, or the keys that are allowed there. */
final class KeySuggestion {

    private KeySuggestion() {
    }

    /** E.g. {@code  (did you mean "max_connections"?)} or {@code  (expected one of: a, b)}. */
    static String forUnknown(String key, List<String> known) {
        String k = squash(key);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(k, squash(candidate));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        // Within two edits of the key, once case, '-' and '_' are ignored (camelCase, kebab-case, typos).
        if (best != null && bestDistance <= Math.min(2, k.length() / 3)) {
            return " (did you mean \"" + best + "\"?)";
        }
        return " (expected one of: " + String.join(", ", known) + ")";
    }

    private static String squash(String key) {
        return key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
