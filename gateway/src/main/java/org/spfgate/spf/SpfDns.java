package org.spfgate.spf;

import java.net.InetAddress;

/**
 * The DNS port of the SPF evaluator: the only four questions RFC 7208 asks. One adapter answers
 * them from real DNS ({@code org.spfgate.dns}); tests answer them from zone data in memory.
 *
 * <p>Implementations map every DNS condition onto {@link DnsAnswer.Status} themselves, so the
 * evaluator never sees a DNS exception. Names are absolute, without the trailing dot.
 */
public interface SpfDns {

    /** TXT records of {@code name}, each record's character-strings joined with no separator. */
    DnsAnswer<String> txt(String name);

    /** A records ({@code ipv6 == false}) or AAAA records of {@code name}. */
    DnsAnswer<InetAddress> addresses(String name, boolean ipv6);

    /** MX exchange host names of {@code name}, without the trailing dot, in any order. */
    DnsAnswer<String> mx(String name);

    /** PTR names (without the trailing dot) for {@code ip}'s reverse name. */
    DnsAnswer<String> ptr(InetAddress ip);
}
