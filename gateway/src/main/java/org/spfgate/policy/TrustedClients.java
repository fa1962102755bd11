package org.spfgate.policy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.spfgate.config.Cidr;
import org.spfgate.config.TrustedEntry;
import org.spfgate.spf.DnsAnswer;
import org.spfgate.spf.IpLiteral;
import org.spfgate.spf.SpfDns;

/**
 * Decides at the first MAIL of a connection whether a client is one of the {@code trusted:}
 * entries — secondary MXes and known forwarders whose mail skips SPF (SPEC section 3). Networks
 * are matched first, without DNS (IPv4-mapped IPv6 clients match IPv4 networks). Host-name
 * patterns are matched by forward-confirmed reverse DNS only: a PTR name of the client that
 * matches a pattern on a label boundary ({@code *.forward.example.edu} matches
 * {@code a.forward.example.edu}, not {@code evilforward.example.edu} nor
 * {@code forward.example.edu}) and whose A/AAAA records contain the client IP. DNS errors mean
 * not trusted. No client is trusted implicitly. Thread-safe.
 */
public final class TrustedClients {

    /**
     * PTR names we follow per client. Same bound and reason as RFC 7208 4.6.4 for {@code ptr}: a
     * hostile reverse zone must not make one connection cost unbounded forward lookups.
     */
    static final int MAX_PTR_NAMES = 10;

    private final List<TrustedEntry> entries;
    private final SpfDns dns;
    private final boolean anyHostnames;

    /** @param dns used only when some entry has host names */
    public TrustedClients(List<TrustedEntry> entries, SpfDns dns) {
        this.entries = List.copyOf(entries);
        this.dns = dns;
        this.anyHostnames = this.entries.stream()
                .anyMatch(e -> e.hostnames() != null && !e.hostnames().isEmpty());
    }

    /** The first entry (networks before host names, then config order) the client matches, or why none did. */
    public ClientTrust check(InetAddress client) {
        InetAddress ip = IpLiteral.unmapped(client); // ::ffff:192.0.2.1 is the IPv4 client 192.0.2.1
        for (TrustedEntry entry : entries) {
            for (Cidr network : nullToEmpty(entry.networks())) {
                if (network.contains(ip)) {
                    return new ClientTrust.Trusted(entry.name(), network.text());
                }
            }
        }
        if (!anyHostnames) {
            return new ClientTrust.NotTrusted("no trusted entry matches " + ip.getHostAddress());
        }
        return checkReverseDns(ip);
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
                return new ClientTrust.Trusted(entry.name(), name);
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
            for (String pattern : nullToEmpty(entry.hostnames())) {
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

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
