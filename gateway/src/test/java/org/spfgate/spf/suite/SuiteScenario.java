package org.spfgate.spf.suite;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One YAML document of the conformance suite: a description, its cases and the zone they run
 * against. Zone names are lower-case and without a trailing dot; each name's records keep the
 * order the suite gives them, because a {@code TIMEOUT} entry only hides the records after it.
 *
 * @param description the document's description, e.g. "Record lookup"
 * @param cases       every case of the document, in file order
 * @param zone        owner name (lower-case, no trailing dot) to its records in file order
 */
public record SuiteScenario(String description, List<Case> cases, Map<String, List<ZoneRecord>> zone) {

    /**
     * One test case.
     *
     * @param name        the case's key, e.g. {@code toolonglabel}
     * @param helo        the HELO name
     * @param host        the client IP as text
     * @param mailFrom    the MAIL FROM address; empty for the null sender
     * @param results     acceptable result tokens (lower-case); any of them passes
     * @param explanation the expected explanation, {@code DEFAULT} for the checker's default, or
     *                    {@code null} when the suite does not say
     * @param spec        the RFC sections cited
     */
    public record Case(String name, String helo, String host, String mailFrom, Set<String> results,
                       String explanation, List<String> spec) {

        /** The name shown in test reports: {@code scenario / case}. */
        public String displayName(SuiteScenario scenario) {
            return scenario.description() + " / " + name;
        }
    }

    /**
     * One zone entry as the suite writes it.
     *
     * <ul>
     *   <li>{@code TXT}, {@code SPF}: {@code strings} are the record's character-strings (a DNS
     *       client joins them with no separator);</li>
     *   <li>{@code A}, {@code AAAA}, {@code PTR}, {@code CNAME}: one string, the address or the
     *       target name (target names lower-cased, no trailing dot);</li>
     *   <li>{@code MX}: two strings, the preference and the exchange;</li>
     *   <li>{@code TIMEOUT}: no strings; queries for the name time out unless an answer of the
     *       asked type came before this entry.</li>
     * </ul>
     */
    public record ZoneRecord(String type, List<String> strings) {

        public ZoneRecord {
            type = type.toUpperCase(Locale.ROOT);
            strings = List.copyOf(strings);
        }

        /** TXT/SPF: the character-strings joined with no separator (RFC 7208 3.3). */
        public String text() {
            return String.join("", strings);
        }

        /** A/AAAA/PTR/CNAME: the single value; MX: the exchange. */
        public String value() {
            return type.equals("MX") ? strings.get(1) : strings.get(0);
        }

        /** MX only: the preference. */
        public int mxPreference() {
            return Integer.parseInt(strings.get(0));
        }

        public boolean isTimeout() {
            return type.equals("TIMEOUT");
        }
    }
}
