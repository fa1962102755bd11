package org.spfgate.dns;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spfgate.spf.DnsAnswer;

/**
 * The A and AAAA addresses of the MX hosts of some domains (a trusted entry's {@code mx_of}),
 * kept as long as DNS says and refreshed after that.
 *
 * <ul>
 *   <li>Each domain's set is resolved when this object is made, through the gateway's own
 *       {@link SpfDnsClient}; a domain with no MX record is its own mail host (RFC 5321 5.1), a
 *       null MX (RFC 7505) has none.</li>
 *   <li>A set is kept for the smallest TTL among the answers it was made from (at least
 *       {@link #MIN_REFRESH}). The first {@link #contains} after that refreshes it, on the
 *       caller's thread; callers arriving meanwhile use the set they find.</li>
 *   <li>A refresh that meets a DNS error (SERVFAIL, time-out) keeps the last good set and tries
 *       again after {@link #RETRY}: a DNS outage must not turn our own backup MX into a stranger.
 *       An empty or failing answer is logged as a warning, never a reason to stop.</li>
 * </ul>
 *
 * Thread-safe.
 */
public final class MxHostAddresses {

    private static final Logger LOG = LoggerFactory.getLogger(MxHostAddresses.class);

    /** Shortest time a set is kept, whatever the TTLs: a TTL of 0 must not mean a lookup per client. */
    public static final Duration MIN_REFRESH = Duration.ofSeconds(30);
    /** After a failed refresh, the last good set is used this long before DNS is asked again. */
    public static final Duration RETRY = Duration.ofSeconds(60);
    /** MX hosts followed per domain: a bound on the lookups one refresh may make. */
    static final int MAX_HOSTS = 32;

    private final SpfDnsClient dns;
    private final LongSupplier nanoClock;
    private final Map<String, Domain> domains = new LinkedHashMap<>();

    /** One domain's set and whether someone is refreshing it. */
    private static final class Domain {
        volatile Set<InetAddress> addresses = Set.of();
        volatile long refreshAtNanos;
        final AtomicBoolean refreshing = new AtomicBoolean();
    }

    /**
     * Resolves every domain now (blocking, each lookup bounded by the client's query time-out).
     *
     * @param domains   lower case, without trailing dot
     * @param nanoClock {@link System#nanoTime}, or a test's clock (the same as {@code dns}'s)
     */
    public MxHostAddresses(Collection<String> domains, SpfDnsClient dns, LongSupplier nanoClock) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        for (String domain : domains) {
            this.domains.computeIfAbsent(domain, d -> new Domain());
        }
        for (Map.Entry<String, Domain> e : this.domains.entrySet()) {
            refresh(e.getKey(), e.getValue());
        }
    }

    /** Whether {@code ip} is an address of an MX host of {@code domain} (refreshing the set if it is due). */
    public boolean contains(String domain, InetAddress ip) {
        return addresses(domain).contains(ip);
    }

    /** The current set of {@code domain} (refreshed first if it is due); empty for a domain not given. */
    public Set<InetAddress> addresses(String domain) {
        Domain d = domains.get(domain);
        if (d == null) {
            return Set.of();
        }
        if (nanoClock.getAsLong() - d.refreshAtNanos >= 0 && d.refreshing.compareAndSet(false, true)) {
            try {
                refresh(domain, d);
            } finally {
                d.refreshing.set(false);
            }
        }
        return d.addresses;
    }

    private void refresh(String domain, Domain d) {
        Resolution r = resolve(domain);
        long now = nanoClock.getAsLong();
        if (r.problem == null) {
            if (r.addresses.isEmpty()) {
                LOG.warn("trusted mx_of {}: no MX host address found; nothing is trusted by it until a refresh finds one",
                        domain);
            } else if (!r.addresses.equals(d.addresses)) {
                LOG.info("trusted mx_of {}: {}", domain, r.addresses.stream().map(InetAddress::getHostAddress).toList());
            }
            d.addresses = Set.copyOf(r.addresses);
            d.refreshAtNanos = now + Math.max(MIN_REFRESH.toSeconds(), r.ttlSeconds) * 1_000_000_000L;
            return;
        }
        if (d.addresses.isEmpty() && !r.addresses.isEmpty()) {
            // nothing better known: what did resolve is better than nothing
            d.addresses = Set.copyOf(r.addresses);
        }
        LOG.warn("trusted mx_of {}: {}; using {} address(es) {} and retrying in {}s", domain, r.problem,
                d.addresses.isEmpty() ? "no" : "the last good", d.addresses.stream().map(InetAddress::getHostAddress)
                        .toList(), RETRY.toSeconds());
        d.refreshAtNanos = now + RETRY.toNanos();
    }

    /** What one resolution of a domain came to; {@code problem} set when DNS failed somewhere. */
    private record Resolution(Set<InetAddress> addresses, long ttlSeconds, String problem) {
    }

    private Resolution resolve(String domain) {
        SpfDnsClient.Timed<String> mx = dns.mxWithTtl(domain);
        if (mx.answer().isError()) {
            return new Resolution(Set.of(), 0, "MX lookup failed: " + mx.answer().detail());
        }
        long ttl = mx.ttlSeconds();
        // RFC 5321 5.1: no MX record means the domain itself is the mail host.
        List<String> hosts = mx.answer().isVoid() ? List.of(domain) : mx.answer().records();
        Set<InetAddress> addresses = new LinkedHashSet<>();
        String problem = null;
        for (String host : hosts.subList(0, Math.min(hosts.size(), MAX_HOSTS))) {
            if (host.isEmpty()) {
                continue; // RFC 7505 null MX: the domain accepts no mail
            }
            for (boolean ipv6 : new boolean[] {false, true}) {
                SpfDnsClient.Timed<InetAddress> a = dns.addressesWithTtl(host, ipv6);
                DnsAnswer<InetAddress> answer = a.answer();
                if (answer.isError()) {
                    problem = (ipv6 ? "AAAA" : "A") + " lookup of MX host " + host + " failed: " + answer.detail();
                    continue;
                }
                addresses.addAll(answer.records());
                ttl = Math.min(ttl, a.ttlSeconds());
            }
        }
        return new Resolution(addresses, ttl, problem);
    }
}
