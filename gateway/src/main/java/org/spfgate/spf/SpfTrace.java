package org.spfgate.spf;

/**
 * Watches one RFC 7208 {@code check_host()} evaluation step by step: each record fetched, each
 * term tried, each DNS question with its answer, and how it ended. For {@code explain} and
 * {@code check}; the gateway's own checks run without one, and then the evaluator neither calls
 * nor allocates anything for it.
 *
 * <p>Calls come in evaluation order on the evaluating thread. {@link #checkHost} and
 * {@link #checkHostResult} nest: an {@code include} or {@code redirect} starts a check_host of
 * its target inside the term that asked for it (RFC 7208 5.2, 6.1). An evaluation that ends in
 * temperror or permerror leaves nested calls open and goes straight to {@link #finished}.
 */
public interface SpfTrace {

    /** check_host() starts for {@code domain}: the identity's domain, or an include or redirect target. */
    void checkHost(String domain);

    /**
     * A DNS question and its answer, as SPF sees it (RFC 7208 4.6.4 counts {@code NXDOMAIN} and
     * {@code NODATA} as void lookups).
     *
     * @param type TXT, A, AAAA, MX or PTR
     * @param name the name asked (for PTR: the client IP)
     */
    void lookup(String type, String name, DnsAnswer<?> answer);

    /** The one SPF record selected for {@code domain} (RFC 7208 4.5). */
    void record(String domain, String text);

    /** A term is about to be evaluated: a mechanism, or {@code redirect=}, as written. */
    void term(String written);

    /** The mechanism just evaluated matched ({@code true}) or not. */
    void matched(String written, boolean matched);

    /** check_host() of {@code domain} returned {@code result} (nested ones included). */
    void checkHostResult(String domain, SpfResult result);

    /**
     * The evaluation is over.
     *
     * @param verdict     what the caller gets
     * @param voidLookups void lookups counted (RFC 7208 4.6.4: at most 2)
     */
    void finished(SpfVerdict verdict, int voidLookups);
}
