package org.spfgate.spf;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of RFC 7208 {@code check_host()} (section 4) with its counters: DNS-querying terms,
 * void lookups and the deadline. Not thread-safe; {@link SpfChecker} makes one per check.
 */
final class SpfEvaluation implements MacroValues {

    /** RFC 7208 4.6.4: at most 10 mechanisms and modifiers that query DNS. */
    static final int MAX_DNS_TERMS = 10;
    /** RFC 7208 4.6.4: at most 2 lookups that find nothing (NXDOMAIN or no answer). */
    static final int MAX_VOID_LOOKUPS = 2;
    /** RFC 7208 4.6.4: at most 10 MX names looked up by one {@code mx} (more: permerror). */
    static final int MAX_MX_NAMES = 10;
    /** RFC 7208 4.6.4: at most 10 PTR names looked up by one {@code ptr} or {@code %{p}} (more are ignored). */
    static final int MAX_PTR_NAMES = 10;

    /**
     * How a record's evaluation ended: the result, the term that decided it (as written), and
     * the record and domain whose {@code exp=} explains a fail (RFC 7208 6.2: a redirect's target,
     * never an included record).
     */
    record Outcome(SpfResult result, String decidedBy, SpfRecord record, String domain) {
    }

    private final SpfDns dns;
    private final RecordParser parser;
    private final long deadlineNanos;
    private final InetAddress ip;
    private final byte[] ipBytes;
    private final boolean ipv6;
    private final String sender;
    private final String localPart;
    private final String senderDomain;
    private final String helo;
    private final String receiver;
    /** {@code null} for the gateway's own checks: every call to it is behind a null test. */
    private final SpfTrace trace;

    private int dnsTerms;
    private int voidLookups;
    private String currentDomain;
    private List<String> validatedNames;

    SpfEvaluation(SpfDns dns, RecordParser parser, long deadlineNanos, InetAddress ip, String sender,
                  String localPart, String senderDomain, String helo, String receiver, SpfTrace trace) {
        this.dns = dns;
        this.parser = parser;
        this.deadlineNanos = deadlineNanos;
        this.ip = ip;
        this.ipBytes = ip.getAddress();
        this.ipv6 = !(ip instanceof Inet4Address);
        this.sender = sender;
        this.localPart = localPart;
        this.senderDomain = senderDomain;
        this.helo = helo;
        this.receiver = receiver;
        this.trace = trace;
    }

    int dnsTerms() {
        return dnsTerms;
    }

    int voidLookups() {
        return voidLookups;
    }

    /**
     * check_host() for {@code domain} (RFC 7208 4). Returns {@code none} when the domain has no
     * SPF record; throws {@link SpfAbort} for temperror and permerror.
     */
    Outcome checkHost(String domain) {
        String previousDomain = currentDomain;
        currentDomain = domain;
        if (trace != null) {
            trace.checkHost(domain);
        }
        try {
            Outcome outcome = evaluate(domain);
            if (trace != null) {
                trace.checkHostResult(domain, outcome.result());
            }
            return outcome;
        } finally {
            currentDomain = previousDomain;
        }
    }

    /** The body of check_host() for the current domain. */
    private Outcome evaluate(String domain) {
        SpfRecord record = fetchRecord(domain);
        if (record == null) {
            return new Outcome(SpfResult.NONE, null, null, domain);
        }
        for (Mechanism m : record.mechanisms()) {
            if (trace != null) {
                trace.term(m.written());
            }
            boolean matched = matches(m, domain);
            if (trace != null) {
                trace.matched(m.written(), matched);
            }
            if (matched) {
                return new Outcome(m.qualifier().result, m.written(), record, domain);
            }
        }
        MacroString redirect = record.redirect();
        if (redirect != null) {
            if (trace != null) {
                trace.term("redirect=" + redirect.text());
            }
            countDnsTerm();
            String target = targetDomain(redirect);
            Outcome outcome = checkHost(target);
            if (outcome.result() == SpfResult.NONE) {
                // RFC 7208 6.1: a redirect to a domain without a record is a permerror.
                throw SpfAbort.permerror("redirect=" + redirect.text() + " of " + domain
                        + " names " + target + ", which has no SPF record");
            }
            return outcome;
        }
        // RFC 7208 4.7: no match and no redirect: neutral.
        return new Outcome(SpfResult.NEUTRAL, null, record, domain);
    }

    /** RFC 7208 4.4, 4.5: the one SPF record of {@code domain}, or {@code null} for none. */
    private SpfRecord fetchRecord(String domain) {
        DnsAnswer<String> answer = txt(domain);
        if (answer.isError()) {
            // RFC 7208 4.4: a DNS error other than "no such name" is a temperror.
            throw SpfAbort.temperror("DNS error looking up TXT " + domain + ": " + answer.detail());
        }
        String found = null;
        for (String txt : answer.records()) {
            if (SpfRecord.isSpfRecord(txt)) {
                if (found != null) {
                    // RFC 7208 4.5: two or more records: permerror.
                    throw SpfAbort.permerror(domain + " publishes more than one SPF record");
                }
                found = txt;
            }
        }
        if (found == null) {
            return null;
        }
        if (trace != null) {
            trace.record(domain, found);
        }
        try {
            return parser.parse(found);
        } catch (SpfSyntaxException e) {
            throw SpfAbort.permerror(e.getMessage() + " of " + domain);
        }
    }

    private boolean matches(Mechanism m, String domain) {
        return switch (m.kind()) {
            case ALL -> true;
            case IP4 -> !ipv6 && Mechanism.inNetwork(ipBytes, m.network(), m.cidr4());
            case IP6 -> ipv6 && Mechanism.inNetwork(ipBytes, m.network(), m.cidr6());
            case A -> {
                countDnsTerm();
                yield addressesMatch(target(m, domain), m, true);
            }
            case MX -> {
                countDnsTerm();
                yield mxMatches(target(m, domain), m);
            }
            case PTR -> {
                countDnsTerm();
                yield ptrMatches(target(m, domain));
            }
            case EXISTS -> {
                countDnsTerm();
                yield existsMatches(target(m, domain), m);
            }
            case INCLUDE -> {
                countDnsTerm();
                yield includeMatches(target(m, domain), m);
            }
        };
    }

    private String target(Mechanism m, String domain) {
        return m.domain() == null ? domain : targetDomain(m.domain());
    }

    /**
     * Expands a domain-spec into a name to query (RFC 7208 7.3: truncated to 253 characters from
     * the left). Not checked further: RFC 7208 7.1 checks syntax before expansion, not after.
     */
    private String targetDomain(MacroString spec) {
        String constant = spec.constant();
        return DomainName.truncateForQuery(constant != null ? constant : spec.expand(this));
    }

    // ---- DNS questions: the deadline is checked before each; a name that cannot be asked
    // ---- (empty or over-long label) is answered as not existing, without a query.

    private DnsAnswer<String> txt(String name) {
        checkDeadline();
        DnsAnswer<String> answer = DomainName.isQueryable(name) ? dns.txt(name) : DnsAnswer.nxdomain();
        if (trace != null) {
            trace.lookup("TXT", name, answer);
        }
        return answer;
    }

    private DnsAnswer<InetAddress> addresses(String name, boolean v6) {
        checkDeadline();
        DnsAnswer<InetAddress> answer = DomainName.isQueryable(name) ? dns.addresses(name, v6) : DnsAnswer.nxdomain();
        if (trace != null) {
            trace.lookup(v6 ? "AAAA" : "A", name, answer);
        }
        return answer;
    }

    private DnsAnswer<String> mx(String name) {
        checkDeadline();
        DnsAnswer<String> answer = DomainName.isQueryable(name) ? dns.mx(name) : DnsAnswer.nxdomain();
        if (trace != null) {
            trace.lookup("MX", name, answer);
        }
        return answer;
    }

    private DnsAnswer<String> ptr() {
        checkDeadline();
        DnsAnswer<String> answer = dns.ptr(ip);
        if (trace != null) {
            trace.lookup("PTR", ClientIpText.readable(ip), answer);
        }
        return answer;
    }

    /** a (RFC 7208 5.3), and each exchange of mx. */
    private boolean addressesMatch(String name, Mechanism m, boolean countVoid) {
        DnsAnswer<InetAddress> answer = addresses(name, ipv6);
        if (answer.isError()) {
            throw SpfAbort.temperror("DNS error looking up " + (ipv6 ? "AAAA " : "A ") + name
                    + " for '" + m.written() + "': " + answer.detail());
        }
        if (answer.isVoid()) {
            if (countVoid) {
                countVoid(m.written());
            }
            return false;
        }
        int bits = ipv6 ? m.cidr6() : m.cidr4();
        for (InetAddress a : answer.records()) {
            if (Mechanism.inNetwork(ipBytes, a.getAddress(), bits)) {
                return true;
            }
        }
        return false;
    }

    /** mx (RFC 7208 5.4). */
    private boolean mxMatches(String name, Mechanism m) {
        DnsAnswer<String> answer = mx(name);
        if (answer.isError()) {
            throw SpfAbort.temperror("DNS error looking up MX " + name + " for '" + m.written()
                    + "': " + answer.detail());
        }
        if (answer.isVoid()) {
            countVoid(m.written());
            return false;
        }
        List<String> exchanges = answer.records();
        if (exchanges.size() > MAX_MX_NAMES) {
            // RFC 7208 4.6.4: more than 10 MX names: permerror.
            throw SpfAbort.permerror("'" + m.written() + "' of " + currentDomain + " finds "
                    + exchanges.size() + " MX names, over the limit of " + MAX_MX_NAMES);
        }
        for (String exchange : exchanges) {
            String host = DomainName.withoutTrailingDot(exchange);
            // A null MX (RFC 7505) or a broken name designates no host.
            if (DomainName.isQueryable(host) && addressesMatch(host, m, false)) {
                return true;
            }
        }
        return false;
    }

    /** ptr (RFC 7208 5.5): a validated PTR name at or below the target domain. */
    private boolean ptrMatches(String target) {
        DnsAnswer<String> answer = ptr();
        if (answer.isVoid()) {
            countVoid("ptr");
            return false;
        }
        if (answer.isError()) {
            // RFC 7208 5.5: a DNS error on the PTR lookup means no match.
            return false;
        }
        int checked = 0;
        for (String ptrName : answer.records()) {
            if (checked++ == MAX_PTR_NAMES) {
                break; // RFC 7208 4.6.4: names past the 10th are ignored.
            }
            String name = DomainName.withoutTrailingDot(ptrName);
            if (DomainName.isAtOrBelow(name, target) && isValidated(name)) {
                return true;
            }
        }
        return false;
    }

    /** Forward confirmation of a PTR name: its A/AAAA records contain the client IP (RFC 7208 5.5). */
    private boolean isValidated(String name) {
        DnsAnswer<InetAddress> answer = addresses(name, ipv6);
        // RFC 7208 5.5: a DNS error here skips the name.
        for (InetAddress a : answer.records()) {
            if (Mechanism.inNetwork(ipBytes, a.getAddress(), ipBytes.length * 8)) {
                return true;
            }
        }
        return false;
    }

    /** exists (RFC 7208 5.7): any A record, whatever the client's address family. */
    private boolean existsMatches(String name, Mechanism m) {
        DnsAnswer<InetAddress> answer = addresses(name, false);
        if (answer.isError()) {
            throw SpfAbort.temperror("DNS error looking up A " + name + " for '" + m.written()
                    + "': " + answer.detail());
        }
        if (answer.isVoid()) {
            countVoid(m.written());
            return false;
        }
        return true;
    }

    /** include (RFC 7208 5.2): matches on the target's pass; none there is a permerror. */
    private boolean includeMatches(String target, Mechanism m) {
        Outcome outcome = checkHost(target);
        return switch (outcome.result()) {
            case PASS -> true;
            case FAIL, SOFTFAIL, NEUTRAL -> false;
            case NONE -> throw SpfAbort.permerror("'" + m.written() + "' of " + currentDomain
                    + " names " + target + ", which has no SPF record");
            // Errors arrive as SpfAbort and never as an outcome.
            case TEMPERROR, PERMERROR -> throw new IllegalStateException(outcome.toString());
        };
    }

    private void countDnsTerm() {
        if (dnsTerms == MAX_DNS_TERMS) {
            // RFC 7208 4.6.4: the 11th DNS-querying term is a permerror.
            throw SpfAbort.permerror("more than " + MAX_DNS_TERMS + " DNS-querying terms (at "
                    + currentDomain + ")");
        }
        dnsTerms++;
    }

    private void countVoid(String term) {
        if (++voidLookups > MAX_VOID_LOOKUPS) {
            // RFC 7208 4.6.4: the 3rd void lookup is a permerror.
            throw SpfAbort.permerror("more than " + MAX_VOID_LOOKUPS + " void DNS lookups (at '"
                    + term + "' of " + currentDomain + ")");
        }
    }

    private void checkDeadline() {
        if (System.nanoTime() - deadlineNanos > 0) {
            // RFC 7208 4.6.4: an overall time limit; past it the result is a temperror.
            throw SpfAbort.temperror("SPF evaluation took longer than its time limit");
        }
    }

    // ---- macro values (RFC 7208 7.2) ----

    @Override
    public String value(char letter) {
        return switch (letter) {
            case 's' -> sender;
            case 'l' -> localPart;
            case 'o' -> senderDomain;
            case 'd' -> currentDomain;
            case 'i' -> ipv6 ? ClientIpText.nibbles(ipBytes) : ip.getHostAddress();
            case 'p' -> validatedDomainName();
            case 'v' -> ipv6 ? "ip6" : "in-addr";
            case 'h' -> helo;
            case 'c' -> ClientIpText.readable(ip);
            case 'r' -> receiver == null || receiver.isEmpty() ? "unknown" : receiver;
            case 't' -> Long.toString(System.currentTimeMillis() / 1000);
            default -> throw new IllegalArgumentException("macro letter " + letter);
        };
    }

    /**
     * %{p} (RFC 7208 7.3): a forward-confirmed PTR name, preferring the current domain, then a
     * subdomain of it, then any; "unknown" when there is none. Not counted as a DNS term; the
     * confirmed names are looked up once per evaluation.
     */
    private String validatedDomainName() {
        if (validatedNames == null) {
            List<String> confirmed = new ArrayList<>(2);
            int checked = 0;
            for (String ptrName : ptr().records()) {
                if (checked++ == MAX_PTR_NAMES) {
                    break; // RFC 7208 4.6.4: names past the 10th are ignored.
                }
                String name = DomainName.withoutTrailingDot(ptrName);
                if (isValidated(name)) {
                    confirmed.add(name);
                }
            }
            validatedNames = confirmed;
        }
        String below = null;
        for (String name : validatedNames) {
            if (name.equalsIgnoreCase(currentDomain)) {
                return name;
            }
            if (below == null && DomainName.isAtOrBelow(name, currentDomain)) {
                below = name;
            }
        }
        if (below != null) {
            return below;
        }
        return validatedNames.isEmpty() ? "unknown" : validatedNames.get(0);
    }

    /** The explanation for a fail (RFC 7208 6.2), or {@code null} to use the default. */
    String explanation(Outcome outcome) {
        if (outcome.record() == null || outcome.record().exp() == null) {
            return null;
        }
        String previousDomain = currentDomain;
        currentDomain = outcome.domain();
        try {
            String name = targetDomain(outcome.record().exp());
            // RFC 7208 6.2: not counted as a DNS term or a void lookup; any trouble: no explanation.
            DnsAnswer<String> answer = txt(name);
            if (answer.records().size() != 1) {
                return null;
            }
            MacroString text = MacroString.parse(answer.records().get(0), true);
            String expanded = text.expand(this);
            for (int i = 0; i < expanded.length(); i++) {
                char c = expanded.charAt(i);
                if (c < 0x20 || c > 0x7e) {
                    return null;
                }
            }
            // An empty text explains nothing: the default, which names domain and IP, does.
            return expanded.isBlank() ? null : expanded;
        } catch (SpfSyntaxException | SpfAbort e) {
            return null;
        } finally {
            currentDomain = previousDomain;
        }
    }
}
