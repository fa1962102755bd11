package org.spfgate.spf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Finds what is wrong with a domain's SPF record (and the records it includes or redirects to)
 * although it may evaluate fine today: what {@code check --lint} prints. Each {@link Warning} has
 * a stable code, a sentence saying what to change, and the RFC section behind it. A clean record
 * gives none.
 *
 * <p>The walk is static: every {@code include} and {@code redirect} with a constant domain is
 * followed whatever the client IP (what a client that matches nothing early costs), macro
 * domains are not. It asks DNS through the same {@link SpfDns} port as an evaluation, and stops
 * after {@link #MAX_RECORDS} records or at a loop.
 */
public final class RecordLint {

    /**
     * One finding.
     *
     * @param code stable, for scripts: one of the constants of this class
     * @param text what is wrong and what to change
     * @param rfc  the section that says why, e.g. {@code RFC 7208 5.5}
     */
    public record Warning(String code, String text, String rfc) {
        public Warning {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(rfc, "rfc");
        }

        /** {@code CODE: text (RFC)}. */
        @Override
        public String toString() {
            return code + ": " + text + " (" + rfc + ")";
        }
    }

    /** {@code ptr} (or {@code %{p}}) used. */
    public static final String PTR = "ptr-mechanism";
    /** {@code +all}: every host passes. */
    public static final String PASS_ALL = "pass-all";
    /** {@code ?all}: every other host is neutral. */
    public static final String NEUTRAL_ALL = "neutral-all";
    /** More DNS-querying terms reachable than RFC 7208 4.6.4 evaluates. */
    public static final String TOO_MANY_LOOKUPS = "too-many-lookups";
    /** A mechanism whose lookup finds nothing. */
    public static final String VOID_LOOKUP = "void-lookup";
    /** An {@code include} of a domain that has no SPF record. */
    public static final String INCLUDE_WITHOUT_RECORD = "include-without-record";
    /** A {@code redirect} to a domain that has no SPF record. */
    public static final String REDIRECT_WITHOUT_RECORD = "redirect-without-record";
    /** A record over one 255-byte character-string. */
    public static final String LONG_STRING = "string-over-255";
    /** A TXT answer over 512 bytes: no longer fits a plain UDP reply. */
    public static final String LONG_ANSWER = "answer-over-512";
    /** Two or more {@code v=spf1} records. */
    public static final String SEVERAL_RECORDS = "several-records";
    /** A Sender ID ({@code spf2.0/...}) record. */
    public static final String SPF2_RECORD = "spf2-record";

    /** Records read at most per walk: enough for any sane tree, a bound for an insane one. */
    static final int MAX_RECORDS = 50;
    /** RFC 7208 3.3: one TXT character-string holds at most 255 octets. */
    static final int MAX_STRING = 255;
    /** RFC 1035 4.2.1 (and RFC 7208 3.4): a DNS reply over UDP without EDNS holds 512 octets. */
    static final int MAX_UDP_ANSWER = 512;
    /** A reply's fixed header (RFC 1035 4.1.1). */
    private static final int DNS_HEADER = 12;
    /** Per answer record: compressed owner name (2), type, class, TTL, RDLENGTH (RFC 1035 4.1.3). */
    private static final int ANSWER_RECORD_OVERHEAD = 2 + 2 + 2 + 4 + 2;

    private final SpfDns dns;

    public RecordLint(SpfDns dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    /** The warnings for {@code domain}'s record and what it reaches, in walk order; empty when clean. */
    public List<Warning> check(String domain) {
        Walk walk = new Walk();
        String name = DomainName.asciiForm(DomainName.withoutTrailingDot(domain == null ? "" : domain));
        if (DomainName.isValid(name)) {
            walk.record(name);
            if (walk.dnsTerms > SpfEvaluation.MAX_DNS_TERMS) {
                walk.warn(TOO_MANY_LOOKUPS, walk.dnsTerms + " DNS-querying terms (a, mx, ptr, exists, include,"
                        + " redirect) are reachable from " + name + " through its includes and redirects; a client"
                        + " that matches none of the first " + SpfEvaluation.MAX_DNS_TERMS + " gets permerror: replace"
                        + " a and mx with ip4/ip6, or flatten includes", "RFC 7208 4.6.4");
            }
        }
        return List.copyOf(walk.warnings);
    }

    /** One walk's state: what was read, what was counted, what was found. */
    private final class Walk {
        final List<Warning> warnings = new ArrayList<>();
        final Set<String> visited = new HashSet<>();
        int dnsTerms;
        int records;

        void warn(String code, String text, String rfc) {
            warnings.add(new Warning(code, text, rfc));
        }

        /**
         * Reads and checks {@code domain}'s record, and what it includes or redirects to.
         *
         * @return {@code false} when the domain has no SPF record
         */
        boolean record(String domain) {
            String key = domain.toLowerCase(Locale.ROOT);
            if (!visited.add(key) || records++ >= MAX_RECORDS) {
                return true; // a loop (a permerror the evaluation reports) or a tree past any sense
            }
            DnsAnswer<String> answer = dns.txt(domain);
            if (answer.isError()) {
                return true; // nothing to judge: the evaluation says temperror
            }
            List<String> spf = new ArrayList<>(1);
            for (String txt : answer.records()) {
                if (SpfRecord.isSpfRecord(txt)) {
                    spf.add(txt);
                } else if (txt.regionMatches(true, 0, "spf2.0/", 0, 7)) {
                    warn(SPF2_RECORD, domain + " publishes a Sender ID record (" + first(txt) + "); no receiver"
                            + " uses Sender ID any more and some misapply it: remove it", "RFC 6686");
                }
            }
            if (spf.isEmpty()) {
                return false;
            }
            if (spf.size() > 1) {
                warn(SEVERAL_RECORDS, domain + " publishes " + spf.size() + " v=spf1 records, which is a permerror"
                        + " for every client: merge them into one", "RFC 7208 4.5");
                return true;
            }
            String text = spf.get(0);
            size(domain, text, answer.records());
            SpfRecord record;
            try {
                record = SpfRecord.parse(text);
            } catch (SpfSyntaxException e) {
                return true; // a permerror the evaluation reports with the term at fault
            }
            for (Mechanism m : record.mechanisms()) {
                term(domain, m);
            }
            if (record.redirect() != null) {
                dnsTerms++;
                String target = constantTarget(record.redirect());
                if (target != null && !record(target)) {
                    warn(REDIRECT_WITHOUT_RECORD, "redirect=" + record.redirect().text() + " of " + domain
                            + " names a domain without an SPF record, a permerror for every client that reaches"
                            + " it: point it at a domain with a record, or remove it", "RFC 7208 6.1");
                }
            }
            return true;
        }

        private void size(String domain, String text, List<String> allTxt) {
            int octets = text.getBytes(StandardCharsets.UTF_8).length;
            if (octets > MAX_STRING) {
                warn(LONG_STRING, "the record of " + domain + " is " + octets + " bytes, more than one TXT string"
                        + " holds (" + MAX_STRING + "): it must be published as several strings, which zone tools"
                        + " and receivers get wrong; shorten it, e.g. by moving terms into an include", "RFC 7208 3.3");
            }
            int size = DNS_HEADER + wireLength(domain) + 4;
            for (String txt : allTxt) {
                size += ANSWER_RECORD_OVERHEAD + rdataLength(txt);
            }
            if (size > MAX_UDP_ANSWER) {
                warn(LONG_ANSWER, "the TXT answer for " + domain + " is about " + size + " bytes, over the "
                        + MAX_UDP_ANSWER + " of a DNS reply over UDP: receivers must retry over TCP and some"
                        + " give up; shorten the record or move other TXT records of " + domain + " elsewhere",
                        "RFC 7208 3.4");
            }
        }

        private void term(String domain, Mechanism m) {
            if (m.kind().queriesDns()) {
                dnsTerms++;
            }
            String target = m.domain() == null ? domain : constantTarget(m.domain());
            switch (m.kind()) {
                case ALL -> {
                    if (m.qualifier() == Qualifier.PASS) {
                        warn(PASS_ALL, "'" + m.written() + "' in the record of " + domain + " lets every host on the"
                                + " internet pass as " + domain + ": end the record with -all or ~all", "RFC 7208 5.1");
                    } else if (m.qualifier() == Qualifier.NEUTRAL) {
                        warn(NEUTRAL_ALL, "'" + m.written() + "' in the record of " + domain + " says nothing about"
                                + " hosts it does not list, which protects nothing: end the record with -all or ~all",
                                "RFC 7208 5.1");
                    }
                }
                case PTR -> warn(PTR, "'" + m.written() + "' in the record of " + domain + " is slow, unreliable and"
                        + " ignored by some receivers (SHOULD NOT be used): list the sending hosts with ip4, ip6 or a",
                        "RFC 7208 5.5");
                case A -> {
                    if (target != null && hasNoAddress(target)) {
                        voidLookup(domain, m, target, "has no A or AAAA record");
                    }
                }
                case MX -> {
                    if (target != null && dns.mx(target).isVoid()) {
                        voidLookup(domain, m, target, "has no MX record");
                    }
                }
                case EXISTS -> {
                    if (target != null && dns.addresses(target, false).isVoid()) {
                        voidLookup(domain, m, target, "has no A record");
                    }
                }
                case INCLUDE -> {
                    if (target != null && !record(target)) {
                        warn(INCLUDE_WITHOUT_RECORD, "'" + m.written() + "' of " + domain + " names a domain without"
                                + " an SPF record, a permerror for every client that reaches it: remove the include,"
                                + " or publish a record at " + target, "RFC 7208 5.2");
                    }
                }
                case IP4, IP6 -> {
                }
            }
        }

        private void voidLookup(String domain, Mechanism m, String target, String what) {
            warn(VOID_LOOKUP, "'" + m.written() + "' in the record of " + domain + ": " + target + " " + what
                    + "; each such lookup counts towards the limit of " + SpfEvaluation.MAX_VOID_LOOKUPS
                    + " (more is a permerror): remove the term or publish the record", "RFC 7208 4.6.4");
        }

        /** Neither A nor AAAA records (an error is not void: nothing to judge). */
        private boolean hasNoAddress(String name) {
            return dns.addresses(name, false).isVoid() && dns.addresses(name, true).isVoid();
        }
    }

    /** The domain a domain-spec names when it has no macro; {@code null} when it depends on the client. */
    private static String constantTarget(MacroString spec) {
        String constant = spec.constant();
        if (constant == null) {
            return null;
        }
        String name = DomainName.withoutTrailingDot(constant);
        return DomainName.isQueryable(name) ? name : null;
    }

    /** RFC 1035 3.1: a name on the wire is its labels, each with a length byte, and a root byte. */
    private static int wireLength(String name) {
        return name.getBytes(StandardCharsets.US_ASCII).length + 2;
    }

    /** The RDATA of one TXT record: one length byte per string of at most 255 octets (RFC 1035 3.3.14). */
    private static int rdataLength(String txt) {
        int octets = txt.getBytes(StandardCharsets.UTF_8).length;
        int strings = Math.max(1, (octets + MAX_STRING - 1) / MAX_STRING);
        return octets + strings;
    }

    private static String first(String text) {
        String t = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return SpfTranscript.printable(t);
    }
}
