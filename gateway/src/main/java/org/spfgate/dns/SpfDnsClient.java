package org.spfgate.dns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.spfgate.spf.DnsAnswer;
import org.spfgate.spf.SpfDns;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;

/**
 * The SPF engine's DNS client: answers {@link SpfDns}'s four questions over the wire with
 * dnsjava, and is the one place where DNS conditions become {@link DnsAnswer} statuses.
 *
 * <ul>
 *   <li>Servers: the ones given, else the system's ({@code /etc/resolv.conf} via dnsjava's
 *       {@link ResolverConfig}). UDP first; a truncated reply (TC) is asked again over TCP by
 *       dnsjava's {@link SimpleResolver}. Several servers are tried in order.</li>
 *   <li>Each lookup, TCP retry and CNAME follow-ups included, gets at most the query time-out.
 *       </li>
 *   <li>Mapping: records of the asked type → FOUND; RCODE 0 without them → NODATA; RCODE 3 →
 *       NXDOMAIN; SERVFAIL, REFUSED, any other RCODE, no reply in time, a reply that does not
 *       parse or a CNAME loop → ERROR (RFC 7208 2.6.6 temperror, 5 for the per-mechanism rules).
 *       Only RCODE 0 and 3 are void lookups (RFC 7208 4.6.4).</li>
 *   <li>Cache: answers are kept for the smallest TTL of the records used (CNAMEs included,
 *       capped at one day); NXDOMAIN and NODATA for the SOA's negative TTL, and not at all
 *       without a SOA (RFC 2308 section 5). Errors are not cached. Bounded in entries.</li>
 *   <li>Only TXT, A, AAAA, MX and PTR are ever asked: never type SPF (99), RFC 7208 3.1.</li>
 * </ul>
 *
 * <p>Built on dnsjava's {@link Resolver} (one {@link SimpleResolver}, or an {@link
 * ExtendedResolver} over several), not on its {@code LookupSession} and {@code Cache}: this class
 * follows CNAMEs itself and keeps the mapped answers, so a warm lookup is one map probe
 * ({@code DnsClientBench}, three runs on a loaded 2-core machine: 0.2–0.35 µs against 0.5–4 µs
 * through {@code LookupSession} with its {@code Cache}), and
 * NODATA has one form whether fresh or cached (dnsjava's cache would turn it into a
 * {@code NoSuchRRSetException}).
 *
 * <p>Blocking by design: callers run on virtual threads.
 */
public final class SpfDnsClient implements SpfDns {

    static {
        // dnsjava's I/O thread checks for expired queries once per selector wake-up (1 s by
        // default): a lower period frees timed-out UDP sockets promptly. Read once, when the
        // first query is sent; an explicit setting wins.
        if (System.getProperty("dnsjava.nio.selector_timeout") == null) {
            System.setProperty("dnsjava.nio.selector_timeout", "50");
        }
    }

    /** Cap on how long any answer is kept, whatever its TTL says. */
    static final long MAX_TTL_SECONDS = 86_400;
    /** Longest CNAME chain followed (RFC 1034 3.6.2 asks to follow chains and stop loops). */
    static final int MAX_CNAME_HOPS = 8;
    public static final int DEFAULT_CACHE_ENTRIES = 10_000;

    private final Resolver resolver;
    private final Duration queryTimeout;
    private final AnswerCache cache;
    private final DnsQueryListener listener;

    /**
     * @param servers      servers to ask, in order; empty: the system's resolvers
     * @param queryTimeout the longest one lookup may take before it is an ERROR
     * @param cacheEntries how many answers to keep at most (0: no cache)
     * @param listener     told of every query sent to a server, for metrics
     */
    public SpfDnsClient(List<InetSocketAddress> servers, Duration queryTimeout, int cacheEntries,
            DnsQueryListener listener) {
        this(servers, queryTimeout, cacheEntries, listener, System::nanoTime);
    }

    public SpfDnsClient(List<InetSocketAddress> servers, Duration queryTimeout) {
        this(servers, queryTimeout, DEFAULT_CACHE_ENTRIES, DnsQueryListener.NONE);
    }

    /** With a clock ({@link System#nanoTime} or a test's) for TTL expiry, so tests need not sleep. */
    public SpfDnsClient(List<InetSocketAddress> servers, Duration queryTimeout, int cacheEntries,
            DnsQueryListener listener, LongSupplier nanoClock) {
        if (queryTimeout.isNegative() || queryTimeout.isZero()) {
            throw new IllegalArgumentException("query timeout must be positive: " + queryTimeout);
        }
        this.queryTimeout = queryTimeout;
        this.resolver = resolver(servers.isEmpty() ? ResolverConfig.getCurrentConfig().servers() : servers,
                queryTimeout);
        this.cache = new AnswerCache(cacheEntries, nanoClock);
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public DnsAnswer<String> txt(String name) {
        return lookup(name, DnsQueryType.TXT, record -> joinedText((TXTRecord) record));
    }

    @Override
    public DnsAnswer<InetAddress> addresses(String name, boolean ipv6) {
        return ipv6
                ? lookup(name, DnsQueryType.AAAA, record -> ipv6Address((AAAARecord) record))
                : lookup(name, DnsQueryType.A, record -> ipv4Address((ARecord) record));
    }

    @Override
    public DnsAnswer<String> mx(String name) {
        return lookup(name, DnsQueryType.MX, record -> hostName(((MXRecord) record).getTarget()));
    }

    @Override
    public DnsAnswer<String> ptr(InetAddress ip) {
        return lookup(ReverseMap.fromAddress(ip).toString(true), DnsQueryType.PTR,
                record -> hostName(((PTRRecord) record).getTarget()));
    }

    /**
     * An answer with the seconds it may still be kept (RFC 1035 3.2.1: the TTL, less the time it
     * has spent in the cache): for callers that keep what they derive from it, such as trusted
     * {@code mx_of} address sets. 0 for errors and for answers that are not to be kept.
     */
    public record Timed<T>(DnsAnswer<T> answer, long ttlSeconds) {
    }

    /** {@link #mx} with its remaining TTL. */
    public Timed<String> mxWithTtl(String name) {
        DnsAnswer<String> answer = mx(name);
        return new Timed<>(answer, cache.remainingSeconds(key(name, DnsQueryType.MX)));
    }

    /** {@link #addresses} with its remaining TTL. */
    public Timed<InetAddress> addressesWithTtl(String name, boolean ipv6) {
        DnsAnswer<InetAddress> answer = addresses(name, ipv6);
        return new Timed<>(answer, cache.remainingSeconds(key(name, ipv6 ? DnsQueryType.AAAA : DnsQueryType.A)));
    }

    int cacheSize() {
        return cache.size();
    }

    private <T> DnsAnswer<T> lookup(String name, DnsQueryType type, Function<Record, T> convert) {
        String key = key(name, type);
        @SuppressWarnings("unchecked") // keys carry the type, so the answer has this T
        DnsAnswer<T> cached = (DnsAnswer<T>) cache.get(key);
        if (cached != null) {
            return cached; // not a query: nothing to report, and the hot path stays two map probes
        }
        Name qname;
        try {
            qname = absoluteName(name);
        } catch (TextParseException e) {
            // A name DNS cannot hold cannot exist; no query is sent for it.
            return new DnsAnswer<>(DnsAnswer.Status.NXDOMAIN, List.of(), "not a DNS name: " + e.getMessage());
        }
        Resolved resolved = resolve(qname, type);
        DnsAnswer<T> answer = switch (resolved.status) {
            case FOUND -> found(resolved.records, convert);
            case NXDOMAIN -> DnsAnswer.nxdomain();
            case NODATA -> DnsAnswer.nodata();
            case ERROR -> DnsAnswer.error(resolved.detail);
        };
        if (resolved.status != DnsAnswer.Status.ERROR) {
            cache.put(key, answer, Math.min(resolved.ttl, MAX_TTL_SECONDS));
        }
        return answer;
    }

    private static String key(String name, DnsQueryType type) {
        return type.name() + ' ' + asciiLowerCase(stripTrailingDot(name));
    }

    /** Tells the listener; a failing listener (metrics) must never fail an SPF check. */
    private void report(DnsQueryType type, DnsQueryOutcome outcome, long nanos) {
        try {
            listener.queried(type, outcome, Duration.ofNanos(nanos));
        } catch (RuntimeException ignored) {
            // the answer matters more than its count
        }
    }

    private static <T> DnsAnswer<T> found(List<Record> records, Function<Record, T> convert) {
        List<T> values = new ArrayList<>(records.size());
        for (Record r : records) {
            values.add(convert.apply(r));
        }
        return DnsAnswer.found(values);
    }

    /** What one lookup came to, before conversion: status, records, TTL to cache it for. */
    private record Resolved(DnsAnswer.Status status, List<Record> records, long ttl, String detail) {
        static Resolved error(String detail) {
            return new Resolved(DnsAnswer.Status.ERROR, List.of(), 0, detail);
        }
    }

    /** Asks for {@code qname}/{@code type}, following CNAMEs, within one query time-out. */
    private Resolved resolve(Name qname, DnsQueryType type) {
        long deadline = System.nanoTime() + queryTimeout.toNanos();
        Set<Name> seen = new HashSet<>();
        Name current = qname;
        long ttl = Long.MAX_VALUE;
        for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
            Message reply;
            long sent = System.nanoTime();
            try {
                reply = send(current, type.wireType(), deadline - sent);
            } catch (TimeoutException e) {
                report(type, DnsQueryOutcome.TIMEOUT, System.nanoTime() - sent);
                return Resolved.error("DNS time-out: " + current + " " + type);
            } catch (IOException e) {
                report(type, DnsQueryOutcome.ERROR, System.nanoTime() - sent);
                return Resolved.error("DNS error: " + current + " " + type + ": " + describe(e));
            }
            long took = System.nanoTime() - sent;
            int rcode = reply.getRcode();
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                report(type, rcode == Rcode.SERVFAIL ? DnsQueryOutcome.SERVFAIL : DnsQueryOutcome.ERROR, took);
                return Resolved.error(Rcode.string(rcode) + ": " + current + " " + type);
            }
            // From the name asked, through the reply's CNAMEs, to the records (RFC 1034 4.3.2).
            List<Record> answer = reply.getSection(Section.ANSWER);
            List<Record> records = new ArrayList<>();
            boolean followed = false;
            while (true) {
                CNAMERecord cname = null;
                for (Record r : answer) {
                    if (r.getDClass() != DClass.IN || !r.getName().equals(current)) {
                        continue;
                    }
                    if (r.getType() == type.wireType()) {
                        records.add(r);
                        ttl = Math.min(ttl, r.getTTL());
                    } else if (r instanceof CNAMERecord c) {
                        cname = c;
                    }
                }
                if (!records.isEmpty() || cname == null) {
                    break;
                }
                seen.add(current);
                current = cname.getTarget();
                ttl = Math.min(ttl, cname.getTTL());
                followed = true;
                if (seen.contains(current)) {
                    report(type, DnsQueryOutcome.ERROR, took);
                    return Resolved.error("CNAME loop at " + current);
                }
            }
            if (!records.isEmpty()) {
                report(type, DnsQueryOutcome.ANSWER, took);
                return new Resolved(DnsAnswer.Status.FOUND, records, ttl, "");
            }
            if (rcode == Rcode.NXDOMAIN) {
                report(type, DnsQueryOutcome.NXDOMAIN, took);
                return new Resolved(DnsAnswer.Status.NXDOMAIN, List.of(), Math.min(ttl, negativeTtl(reply)), "");
            }
            if (!followed || hasSoa(reply)) {
                // A SOA says the negative answer covers the end of the chain (RFC 2308 2.2).
                report(type, DnsQueryOutcome.NODATA, took);
                return new Resolved(DnsAnswer.Status.NODATA, List.of(), Math.min(ttl, negativeTtl(reply)), "");
            }
            // The chain leads out of what this reply covers: ask for its end (RFC 1034 5.3.3).
            report(type, DnsQueryOutcome.ANSWER, took);
        }
        return Resolved.error("CNAME chain longer than " + MAX_CNAME_HOPS + " at " + current);
    }

    /**
     * A failure in words for the explanation: an ICMP port unreachable (nobody listens on the
     * server's port) arrives as an exception without a message, which must not read "null".
     */
    static String describe(IOException e) {
        if (e instanceof PortUnreachableException || e instanceof ConnectException) {
            return "connection refused";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static boolean hasSoa(Message reply) {
        return reply.getSection(Section.AUTHORITY).stream().anyMatch(r -> r instanceof SOARecord);
    }

    private Message send(Name name, int type, long budgetNanos) throws IOException, TimeoutException {
        if (budgetNanos <= 0) {
            throw new TimeoutException();
        }
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        try {
            // Our own bound: dnsjava's time-outs fire on its selector's period, ours do not.
            return resolver.sendAsync(query).toCompletableFuture().get(budgetNanos, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException) {
                throw new TimeoutException(cause.getMessage());
            }
            throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** RFC 2308 section 5: the negative TTL is the lesser of the SOA's TTL and its minimum. */
    private static long negativeTtl(Message reply) {
        for (Record r : reply.getSection(Section.AUTHORITY)) {
            if (r instanceof SOARecord soa) {
                return Math.min(soa.getTTL(), soa.getMinimum());
            }
        }
        return 0;
    }

    /**
     * A TXT record's character-strings joined with nothing between them (RFC 7208 3.3), from
     * their raw bytes: {@code getStrings()} would return them escaped. Decoded as UTF-8, the
     * encoding the RFC 7208 test suite's zone data is published in, so the engine sees the same
     * text over DNS as from that data. Any non-ASCII byte stays non-ASCII after decoding (an
     * invalid sequence becomes U+FFFD), so the engine's US-ASCII checks still see it.
     */
    private static String joinedText(TXTRecord record) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] s : record.getStringsAsByteArrays()) {
            joined.writeBytes(s);
        }
        return joined.toString(StandardCharsets.UTF_8);
    }

    /** The bare address: dnsjava's {@code getAddress()} would carry the owner name along. */
    private static InetAddress ipv4Address(ARecord record) {
        try {
            return InetAddress.getByAddress(record.rdataToWireCanonical());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an A record holds 4 bytes", e);
        }
    }

    /**
     * An AAAA answer stays an IPv6 address, even an IPv4-mapped one: dnsjava's {@code getAddress()}
     * would hand back an {@code Inet4Address} for {@code ::ffff:a.b.c.d}.
     */
    private static InetAddress ipv6Address(AAAARecord record) {
        try {
            return Inet6Address.getByAddress(null, record.rdataToWireCanonical(), -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an AAAA record holds 16 bytes", e);
        }
    }

    /** A target without the trailing dot; the root (a null MX, RFC 7505) is the empty name. */
    private static String hostName(Name target) {
        return target.equals(Name.root) ? "" : target.toString(true);
    }

    /**
     * The name as DNS labels of its UTF-8 bytes, taken literally: no zone-file escapes (a
     * backslash is data), and non-ASCII text (e.g. a macro-expanded local-part) is sent as its
     * UTF-8 octets. Empty labels, labels over 63 octets and names over 255 are refused
     * (RFC 1035 2.3.4).
     */
    static Name absoluteName(String name) throws TextParseException {
        String text = stripTrailingDot(name);
        if (text.isEmpty()) {
            throw new TextParseException("empty name");
        }
        ByteArrayOutputStream wire = new ByteArrayOutputStream(text.length() + 2);
        for (String label : text.split("\\.", -1)) {
            byte[] octets = label.getBytes(StandardCharsets.UTF_8);
            if (octets.length == 0 || octets.length > 63) {
                throw new TextParseException(text + ": label of " + octets.length + " octets");
            }
            wire.write(octets.length);
            wire.writeBytes(octets);
        }
        wire.write(0);
        if (wire.size() > 255) {
            throw new TextParseException(text + ": longer than 255 octets");
        }
        try {
            return new Name(wire.toByteArray());
        } catch (IOException e) {
            throw new TextParseException(text + ": " + e.getMessage());
        }
    }

    /**
     * DNS compares names ignoring the case of ASCII letters only (RFC 4343): {@code toLowerCase}
     * would also turn e.g. U+212A KELVIN SIGN into {@code k}, giving two names one cache entry.
     */
    private static String asciiLowerCase(String name) {
        StringBuilder lower = null;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (lower == null) {
                    lower = new StringBuilder(name);
                }
                lower.setCharAt(i, (char) (c + ('a' - 'A')));
            }
        }
        return lower == null ? name : lower.toString();
    }

    private static String stripTrailingDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static Resolver resolver(List<InetSocketAddress> servers, Duration queryTimeout) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no DNS servers, and none configured on the system");
        }
        if (servers.size() == 1) {
            SimpleResolver one = new SimpleResolver(servers.get(0));
            one.setTimeout(queryTimeout);
            return one;
        }
        // Several servers: each gets an equal share of the time-out, in the order given.
        Duration share = queryTimeout.dividedBy(servers.size());
        List<Resolver> each = new ArrayList<>();
        for (InetSocketAddress server : servers) {
            SimpleResolver one = new SimpleResolver(server);
            one.setTimeout(share);
            each.add(one);
        }
        ExtendedResolver all = new ExtendedResolver(each);
        all.setLoadBalance(false);
        all.setRetries(1);
        all.setTimeout(queryTimeout);
        return all;
    }
}
