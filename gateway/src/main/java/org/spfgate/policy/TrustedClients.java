package org.spfgate.policy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.spfgate.config.Cidr;
import org.spfgate.config.TrustedEntry;
import org.spfgate.dns.MxHostAddresses;
import org.spfgate.spf.DnsAnswer;
import org.spfgate.spf.IpLiteral;
import org.spfgate.spf.SpfChecker;
import org.spfgate.spf.SpfDns;
import org.spfgate.spf.SpfIdentity;
import org.spfgate.spf.SpfResult;
import org.spfgate.spf.SpfVerdict;

/**
 * Decides at the first MAIL whether a client is one of the {@code trusted:} entries — secondary
 * MXes and known forwarders — and by which matcher. An entry matches when any of its matchers
 * does; the cheap matchers are tried first, across all entries, then the ones that ask DNS:
 * <ol>
 *   <li>{@code networks}: CIDR blocks, no DNS (IPv4-mapped IPv6 clients match IPv4 networks);</li>
 *   <li>{@code mx_of}: the A/AAAA addresses of the MX hosts of the listed domains, a set kept by
 *       {@link MxHostAddresses} (no lookup per client);</li>
 *   <li>{@code hostnames}: forward-confirmed reverse DNS only: a PTR name of the client that
 *       matches a pattern on a label boundary ({@code *.forward.example.edu} matches
 *       {@code a.forward.example.edu}, not {@code evilforward.example.edu} nor
 *       {@code forward.example.edu}) and whose A/AAAA records contain the client IP;</li>
 *   <li>{@code spf_domains}: RFC 7208 {@code check_host(ip, domain, postmaster@domain)} gives
 *       {@code pass} for one of the listed domains — the forwarder is who that domain's SPF
 *       record says it is, whatever its addresses are this week.</li>
 * </ol>
 * Any other SPF result, and every DNS error, means no match. No client is trusted implicitly.
 * Thread-safe.
 */
public final class TrustedClients {

    /**
     * PTR names we follow per client. Same bound and reason as RFC 7208 4.6.4 for {@code ptr}: a
     * hostile reverse zone must not make one connection cost unbounded forward lookups.
     */
    static final int MAX_PTR_NAMES = 10;

    private final List<TrustedEntry> entries;
    private final SpfDns dns;
    private final SpfChecker spf;
    private final MxHostAddresses mxHosts;
    private final boolean anyHostnames;

    /** Networks and host names only (no {@code mx_of}, no {@code spf_domains} in {@code entries}). */
    public TrustedClients(List<TrustedEntry> entries, SpfDns dns) {
        this(entries, dns, null, null);
    }

    /**
     * @param dns     used only when some entry has host names
     * @param spf     evaluates {@code spf_domains}; may be {@code null} when no entry has them
     * @param mxHosts the addresses of every {@code mx_of} domain of {@code entries}; may be
     *                {@code null} when no entry has them
     */
    public TrustedClients(List<TrustedEntry> entries, SpfDns dns, SpfChecker spf, MxHostAddresses mxHosts) {
        this.entries = List.copyOf(entries);
        this.dns = dns;
        this.spf = spf;
        this.mxHosts = mxHosts;
        this.anyHostnames = this.entries.stream().anyMatch(e -> !e.hostnames().isEmpty());
        if (spf == null && this.entries.stream().anyMatch(e -> !e.spfDomains().isEmpty())) {
            throw new IllegalArgumentException("spf_domains need an SPF checker");
        }
        if (mxHosts == null && this.entries.stream().anyMatch(e -> !e.mxOf().isEmpty())) {
            throw new IllegalArgumentException("mx_of needs its MX host addresses");
        }
    }

    /** Every {@code mx_of} domain of {@code entries}, once each, in config order. */
    public static List<String> mxOfDomains(List<TrustedEntry> entries) {
        return entries.stream().flatMap(e -> e.mxOf().stream()).distinct().toList();
    }

    /** As {@link #check(InetAddress, String)} with no HELO name (for the {@code %{h}} macro of {@code spf_domains}). */
    public ClientTrust check(InetAddress client) {
        return check(client, "");
    }

    /** The first entry the client matches (in the matcher order above, then config order), or why none did. */
    public ClientTrust check(InetAddress client, String helo) {
        InetAddress ip = IpLiteral.unmapped(client); // ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
        for (TrustedEntry entry : entries) {
            for (Cidr network : entry.networks()) {
                if (network.contains(ip)) {
                    return trusted(entry, ClientTrust.Matcher.NETWORKS, network.text());
                }
            }
        }
        for (TrustedEntry entry : entries) {
            for (String domain : entry.mxOf()) {
                if (mxHosts.contains(domain, ip)) {
                    return trusted(entry, ClientTrust.Matcher.MX_OF, domain);
                }
            }
        }
        List<String> problems = new ArrayList<>();
        if (anyHostnames) {
            ClientTrust byName = checkReverseDns(ip);
            if (byName instanceof ClientTrust.Trusted) {
                return byName;
            }
            problems.add(((ClientTrust.NotTrusted) byName).reason());
        }
        for (TrustedEntry entry : entries) {
            for (String domain : entry.spfDomains()) {
                SpfVerdict verdict = spf.checkHost(ip, domain, "postmaster@" + domain, helo, SpfIdentity.MAILFROM);
                if (verdict.result() == SpfResult.PASS) {
                    return trusted(entry, ClientTrust.Matcher.SPF_DOMAINS, domain);
                }
                problems.add("spf_domains " + domain + ": " + verdict.result().token());
            }
        }
        if (problems.isEmpty()) {
            return new ClientTrust.NotTrusted("no trusted entry matches " + ip.getHostAddress());
        }
        return new ClientTrust.NotTrusted(String.join("; ", problems));
    }

    private static ClientTrust.Trusted trusted(TrustedEntry entry, ClientTrust.Matcher matcher, String matched) {
        return new ClientTrust.Trusted(entry.name(), matcher, matched, entry.spf());
    }

    private ClientTrust checkReverseDns(InetAddress ip) {
        String ipText = ip.getHostAddress();
        DnsAnswer<String> ptr = dns.ptr(ip);
        if (ptr.isError()) {
            return new ClientTrust.NotTrusted("PTR lookup for " + ipText + " failed: " + ptr.detail());
        }
        if (ptr.records().isEmpty()) {
            return new ClientTrust.NotTrusted("no trusted network matches and " + ipText + " has no PTR name");
        }
        List<String> problems = new ArrayList<>();
        List<String> names = ptr.records();
        for (String raw : names.subList(0, Math.min(names.size(), MAX_PTR_NAMES))) {
            String name = normalise(raw);
            TrustedEntry entry = firstEntryMatching(name);
            if (entry == null) {
                continue;
            }
            // forward confirmation: the name must point back at the client (FCrDNS)
            DnsAnswer<InetAddress> forward = dns.addresses(name, ip instanceof Inet6Address);
            if (forward.isError()) {
                problems.add("address lookup for " + name + " failed: " + forward.detail());
                continue;
            }
            if (forward.records().stream().map(IpLiteral::unmapped).anyMatch(ip::equals)) {
                return trusted(entry, ClientTrust.Matcher.HOSTNAMES, name);
            }
            problems.add(name + " does not resolve to " + ipText + " (not forward-confirmed)");
        }
        if (problems.isEmpty()) {
            return new ClientTrust.NotTrusted("no PTR name of " + ipText + " matches a trusted host name");
        }
        return new ClientTrust.NotTrusted(String.join("; ", problems));
    }

    private TrustedEntry firstEntryMatching(String name) {
        for (TrustedEntry entry : entries) {
            for (String pattern : entry.hostnames()) {
                if (matches(normalise(pattern), name)) {
                    return entry;
                }
            }
        }
        return null;
    }

    /**
     * {@code *.suffix} matches names with at least one more label before {@code suffix}, on a label
     * boundary; any other pattern matches only itself. Both sides are already lower case without a
     * trailing dot.
     */
    static boolean matches(String pattern, String name) {
        if (pattern.startsWith("*.")) {
            String suffix = pattern.substring(1); // ".forward.example.edu"
            return suffix.length() > 1 && name.length() > suffix.length() && name.endsWith(suffix)
                    && name.charAt(name.length() - suffix.length() - 1) != '.';
        }
        return !pattern.isEmpty() && !pattern.contains("*") && pattern.equals(name);
    }

    private static String normalise(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
