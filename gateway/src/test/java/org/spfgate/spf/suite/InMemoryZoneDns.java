package org.spfgate.spf.suite;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.spfgate.spf.DnsAnswer;
import org.spfgate.spf.SpfDns;

/**
 * Answers the {@link SpfDns} questions from a suite scenario's zone, in memory. Every answer is
 * computed once, at construction, so lookups cost one hash-map probe (the benchmark relies on it).
 *
 * <p>Rules, as pyspf's suite driver applies them:
 * <ul>
 *   <li>a name that is not in the zone: NXDOMAIN; in the zone without the asked type: NODATA;</li>
 *   <li>{@code TIMEOUT}: ERROR, unless an answer of the asked type came before it in the list;</li>
 *   <li>{@code CNAME}: followed for every other type; a loop is an ERROR;</li>
 *   <li>{@code SPF} (type 99) entries are served as TXT only when the name has no TXT entry
 *       ({@code TXT: NONE} is an entry holding no record) — see {@link SuiteLoader};</li>
 *   <li>names compare case-insensitively.</li>
 * </ul>
 */
public final class InMemoryZoneDns implements SpfDns {

    private static final String NO_TXT_MARKER = "NONE";
    private static final int MAX_CNAME_CHAIN = 8;

    private final Map<String, DnsAnswer<String>> txt = new HashMap<>();
    private final Map<String, DnsAnswer<InetAddress>> a = new HashMap<>();
    private final Map<String, DnsAnswer<InetAddress>> aaaa = new HashMap<>();
    private final Map<String, DnsAnswer<String>> mx = new HashMap<>();
    private final Map<String, DnsAnswer<String>> ptr = new HashMap<>();
    private final List<String> queries;

    /** A DNS that does not remember the questions it was asked (for benchmarks). */
    public InMemoryZoneDns(Map<String, List<SuiteScenario.ZoneRecord>> zone) {
        this(zone, false);
    }

    /**
     * @param zone            owner name (lower-case, no trailing dot) to records in suite order
     * @param recordQueries   whether to keep a log of questions, see {@link #queries()}
     */
    public InMemoryZoneDns(Map<String, List<SuiteScenario.ZoneRecord>> zone, boolean recordQueries) {
        this.queries = recordQueries ? Collections.synchronizedList(new ArrayList<>()) : null;
        for (String name : zone.keySet()) {
            txt.put(name, resolve(zone, name, "TXT", 0).map(r -> r.text()));
            a.put(name, resolve(zone, name, "A", 0).map(r -> address(r.value(), false)));
            aaaa.put(name, resolve(zone, name, "AAAA", 0).map(r -> address(r.value(), true)));
            mx.put(name, resolve(zone, name, "MX", 0).map(SuiteScenario.ZoneRecord::value));
            ptr.put(name, resolve(zone, name, "PTR", 0).map(SuiteScenario.ZoneRecord::value));
        }
    }

    /** A DNS for {@code scenario}'s zone that records queries. */
    public static InMemoryZoneDns of(SuiteScenario scenario) {
        return new InMemoryZoneDns(scenario.zone(), true);
    }

    @Override
    public DnsAnswer<String> txt(String name) {
        return lookup(txt, "TXT", name);
    }

    @Override
    public DnsAnswer<InetAddress> addresses(String name, boolean ipv6) {
        return lookup(ipv6 ? aaaa : a, ipv6 ? "AAAA" : "A", name);
    }

    @Override
    public DnsAnswer<String> mx(String name) {
        return lookup(mx, "MX", name);
    }

    @Override
    public DnsAnswer<String> ptr(InetAddress ip) {
        return lookup(ptr, "PTR", reverseName(ip));
    }

    /** PTR names at a reverse-lookup name such as {@code 4.3.2.1.in-addr.arpa} (for adapters of other libraries). */
    public DnsAnswer<String> ptrOfReverseName(String reverseName) {
        return lookup(ptr, "PTR", reverseName);
    }

    /** Questions asked so far as {@code TYPE name}, e.g. {@code TXT example.com}; empty if not recording. */
    public List<String> queries() {
        if (queries == null) {
            return List.of();
        }
        synchronized (queries) {
            return List.copyOf(queries);
        }
    }

    private <T> DnsAnswer<T> lookup(Map<String, DnsAnswer<T>> answers, String type, String name) {
        String key = SuiteLoader.normalizeName(name);
        if (queries != null) {
            queries.add(type + " " + key);
        }
        DnsAnswer<T> answer = answers.get(key);
        return answer != null ? answer : DnsAnswer.nxdomain();
    }

    /** The reverse-lookup name: {@code d.c.b.a.in-addr.arpa} or 32 nibbles + {@code ip6.arpa}. */
    public static String reverseName(InetAddress ip) {
        byte[] b = ip.getAddress();
        StringBuilder sb = new StringBuilder(72);
        if (ip instanceof Inet4Address) {
            for (int i = 3; i >= 0; i--) {
                sb.append(b[i] & 0xff).append('.');
            }
            return sb.append("in-addr.arpa").toString();
        }
        for (int i = 15; i >= 0; i--) {
            sb.append(Character.forDigit(b[i] & 0xf, 16)).append('.')
              .append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append('.');
        }
        return sb.append("ip6.arpa").toString();
    }

    /** The records of {@code type} at {@code name}, with pyspf's TIMEOUT/CNAME/SPF rules. */
    private static Resolved resolve(Map<String, List<SuiteScenario.ZoneRecord>> zone, String name,
                                    String type, int depth) {
        List<SuiteScenario.ZoneRecord> entries = zone.get(name);
        if (entries == null) {
            return Resolved.NXDOMAIN;
        }
        List<SuiteScenario.ZoneRecord> walk = new ArrayList<>(entries);
        if (type.equals("TXT") && entries.stream().noneMatch(r -> r.type().equals("TXT"))) {
            for (SuiteScenario.ZoneRecord r : entries) {
                if (r.type().equals("SPF")) {
                    walk.add(new SuiteScenario.ZoneRecord("TXT", r.strings()));
                }
            }
        }
        List<SuiteScenario.ZoneRecord> found = new ArrayList<>();
        for (SuiteScenario.ZoneRecord r : walk) {
            if (r.isTimeout()) {
                if (found.isEmpty()) {
                    return new Resolved(DnsAnswer.Status.ERROR, List.of(), "time-out at " + name);
                }
                break;
            }
            if (r.type().equals("CNAME")) {
                if (depth >= MAX_CNAME_CHAIN) {
                    return new Resolved(DnsAnswer.Status.ERROR, List.of(), "CNAME loop at " + name);
                }
                return resolve(zone, r.value(), type, depth + 1);
            }
            if (r.type().equals(type) && !(type.equals("TXT") && r.strings().equals(List.of(NO_TXT_MARKER)))) {
                found.add(r);
            }
        }
        return found.isEmpty() ? Resolved.NODATA : new Resolved(DnsAnswer.Status.FOUND, found, "");
    }

    private static InetAddress address(String text, boolean ipv6) {
        IPAddress parsed = new IPAddressString(text.trim()).getAddress();
        if (parsed == null || parsed.isIPv6() != ipv6) {
            throw new IllegalArgumentException("not an " + (ipv6 ? "IPv6" : "IPv4") + " address: " + text);
        }
        try {
            // Inet6Address.getByAddress keeps an IPv4-mapped AAAA as IPv6 (getByName would unmap it).
            return ipv6 ? Inet6Address.getByAddress(null, parsed.getBytes(), -1)
                        : InetAddress.getByAddress(parsed.getBytes());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private record Resolved(DnsAnswer.Status status, List<SuiteScenario.ZoneRecord> records, String detail) {
        static final Resolved NXDOMAIN = new Resolved(DnsAnswer.Status.NXDOMAIN, List.of(), "");
        static final Resolved NODATA = new Resolved(DnsAnswer.Status.NODATA, List.of(), "");

        <T> DnsAnswer<T> map(java.util.function.Function<SuiteScenario.ZoneRecord, T> f) {
            return switch (status) {
                case FOUND -> DnsAnswer.found(records.stream().map(f).toList());
                case NXDOMAIN -> DnsAnswer.nxdomain();
                case NODATA -> DnsAnswer.nodata();
                case ERROR -> DnsAnswer.error(detail);
            };
        }
    }

    @Override
    public String toString() {
        return "InMemoryZoneDns" + txt.keySet().stream().map(n -> n.toLowerCase(Locale.ROOT)).sorted().toList();
    }
}
