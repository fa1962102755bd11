package org.spfgate.testdns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Type;

/**
 * The data a {@link TestDnsServer} answers from: records per name, plus per-name faults. Thread
 * safe and mutable while the server runs, so a test can add records or faults between queries.
 *
 * <p>Names are case-insensitive and may be written with or without the trailing dot. A name
 * <em>exists</em> when it has at least one record of any type (type 99 included); there are no
 * empty non-terminals: {@code example.com} does not exist just because {@code
 * mail.example.com} does.
 *
 * <pre>{@code
 * TestZone zone = new TestZone()
 *     .txt("example.com", "v=spf1 mx -all")          // one TXT record, one character-string
 *     .txt("split.example.com", "v=spf1 ", "-all")   // one TXT record, two character-strings
 *     .mx("example.com", 10, "mx.example.com")
 *     .a("mx.example.com", "192.0.2.1")
 *     .aaaa("mx.example.com", "2001:db8::1")
 *     .ptr("192.0.2.1", "mx.example.com")             // 1.2.0.192.in-addr.arpa PTR
 *     .timeout("slow.example.com")                    // never answered
 *     .servfail("broken.example.com");                // RCODE 2
 * zone.ttl(1).txt("short.example.com", "v=spf1 -all"); // TTL of records added from now on
 * }</pre>
 *
 * <p>Strings are sent as their UTF-8 bytes; a string longer than 255 bytes is split into
 * 255-byte character-strings (as zone-file tools do), so {@code txt(name, longText)} makes a
 * record whose joined strings equal {@code longText}. Use {@link #txt(String, byte[]...)} to
 * control every byte of every string.
 *
 * <p>{@link #fromSuiteZonedata(Map)} builds a zone from the {@code zonedata:} of the RFC 7208
 * test suite (see that method).
 */
public final class TestZone {

    /** What the server does instead of answering. */
    public enum Fault {
        /** Never answer, over UDP or TCP: the client times out. */
        TIMEOUT,
        /** Answer RCODE 2 (SERVFAIL). */
        SERVFAIL,
        /** Answer RCODE 5 (REFUSED). */
        REFUSED,
        /** Answer with the query's id followed by bytes that do not parse as a DNS message. */
        GARBAGE
    }

    private static final int MAX_STRING = 255;
    private static final int MAX_CNAME_HOPS = 16;

    private final Map<Name, Node> nodes = new ConcurrentHashMap<>();
    private volatile long ttl = 300;
    private volatile long negativeTtl = 300;

    /** Sets the TTL, in seconds, of records added after this call (default 300). */
    public TestZone ttl(long seconds) {
        this.ttl = seconds;
        return this;
    }

    /**
     * Sets the TTL of negative answers (NXDOMAIN, NODATA), in seconds (default 300): the
     * minimum and TTL of the SOA record sent in the authority section (RFC 2308 section 5).
     */
    public TestZone negativeTtl(long seconds) {
        this.negativeTtl = seconds;
        return this;
    }

    long negativeTtl() {
        return negativeTtl;
    }

    /** Adds one TXT record made of these character-strings (UTF-8; over 255 bytes: split). */
    public TestZone txt(String name, String... strings) {
        return txt(name, utf8(strings));
    }

    /** Adds one TXT record made of exactly these character-strings (each at most 255 bytes). */
    public TestZone txt(String name, byte[]... strings) {
        return add(textRecord(name, Type.TXT, strings));
    }

    /** Adds one record of type SPF (99). Served when asked for; an RFC 7208 client never asks. */
    public TestZone spf(String name, String... strings) {
        return add(textRecord(name, Type.SPF, utf8(strings)));
    }

    /** Adds A records. */
    public TestZone a(String name, String... ipv4) {
        for (String ip : ipv4) {
            add(new ARecord(name(name), DClass.IN, ttl, address(ip, 4)));
        }
        return this;
    }

    /** Adds AAAA records. */
    public TestZone aaaa(String name, String... ipv6) {
        for (String ip : ipv6) {
            add(new AAAARecord(name(name), DClass.IN, ttl, address(ip, 16)));
        }
        return this;
    }

    /** Adds an MX record. */
    public TestZone mx(String name, int preference, String exchange) {
        return add(new MXRecord(name(name), DClass.IN, ttl, preference, name(exchange)));
    }

    /** Adds a PTR record for {@code ip}'s reverse name ({@code in-addr.arpa} or {@code ip6.arpa}). */
    public TestZone ptr(String ip, String target) {
        InetAddress address = address(ip, 0);
        return add(new PTRRecord(ReverseMap.fromAddress(address), DClass.IN, ttl, name(target)));
    }

    /** Adds a PTR record at a name given as is (e.g. {@code 4.3.2.1.in-addr.arpa}). */
    public TestZone ptrAt(String reverseName, String target) {
        return add(new PTRRecord(name(reverseName), DClass.IN, ttl, name(target)));
    }

    /** Adds a CNAME record; the server follows chains inside the zone (and stops at loops). */
    public TestZone cname(String name, String target) {
        return add(new CNAMERecord(name(name), DClass.IN, ttl, name(target)));
    }

    /** Adds any dnsjava record, as is (its own TTL). */
    public TestZone add(Record record) {
        node(record.getName()).records.add(record);
        return this;
    }

    /** Removes every record and fault of {@code name}: it no longer exists. */
    public TestZone remove(String name) {
        nodes.remove(name(name));
        return this;
    }

    /** Every query for {@code name}, any type, over UDP or TCP, goes unanswered. */
    public TestZone timeout(String name) {
        return fault(name, Fault.TIMEOUT);
    }

    /** Every query for {@code name} is answered SERVFAIL. */
    public TestZone servfail(String name) {
        return fault(name, Fault.SERVFAIL);
    }

    /** Every query for {@code name} gets {@code fault} instead of an answer. */
    public TestZone fault(String name, Fault fault) {
        Node node = node(name(name));
        node.fault = Objects.requireNonNull(fault);
        node.answeredDespiteFault = Set.of();
        return this;
    }

    /**
     * Queries for {@code name} get {@code fault}, except queries of the {@code answered} types
     * (e.g. {@code "TXT"}), which are answered from the records. A bare {@code - TIMEOUT} in the
     * suite's zonedata means this, with the types listed before it.
     */
    public TestZone faultExceptFor(String name, Fault fault, Set<String> answered) {
        Node node = node(name(name));
        node.fault = Objects.requireNonNull(fault);
        node.answeredDespiteFault = answered.stream().map(Type::value).collect(Collectors.toUnmodifiableSet());
        return this;
    }

    /** Answers {@code name} normally again. */
    public TestZone clearFault(String name) {
        Node node = nodes.get(name(name));
        if (node != null) {
            node.fault = null;
        }
        return this;
    }

    /**
     * Builds a zone from the {@code zonedata:} mapping of the RFC 7208 test suite (as parsed by a
     * YAML library: name → list of single-entry maps, or the bare string {@code TIMEOUT}).
     *
     * <p>Entries: {@code TXT} and {@code SPF} (a string, or a list of strings: one record of
     * several character-strings; {@code NONE}: no record), {@code A}, {@code AAAA}, {@code PTR},
     * {@code CNAME} (a string), {@code MX} ({@code [preference, host]}), and {@code TIMEOUT}.
     * As in the suite's reference driver (pyspf's {@code testspf.py}): every {@code SPF} record
     * is also served as a {@code TXT} record unless the name lists a {@code TXT} entry (even
     * {@code TXT: NONE}); and after {@code TIMEOUT}, queries go unanswered except for the types
     * listed before it (the TXT copies of SPF records count as listed after it).
     */
    public static TestZone fromSuiteZonedata(Map<String, ?> zonedata) {
        TestZone zone = new TestZone();
        for (Map.Entry<String, ?> byName : zonedata.entrySet()) {
            String name = byName.getKey();
            List<?> entries = (List<?>) byName.getValue();
            boolean listsTxt = entries.stream()
                    .anyMatch(e -> e instanceof Map<?, ?> m && m.keySet().stream()
                            .anyMatch(k -> "TXT".equalsIgnoreCase(String.valueOf(k))));
            Set<String> beforeTimeout = new HashSet<>();
            boolean timeout = false;
            for (Object entry : entries) {
                if ("TIMEOUT".equals(entry)) {
                    timeout = true;
                    break;
                }
                if (entry instanceof Map<?, ?> map) {
                    map.forEach((type, value) -> {
                        if (!isNone(value)) {
                            beforeTimeout.add(String.valueOf(type).toUpperCase(Locale.ROOT));
                        }
                    });
                }
            }
            for (Object entry : entries) {
                if ("TIMEOUT".equals(entry)) {
                    continue;
                }
                if (!(entry instanceof Map<?, ?> map) || map.size() != 1) {
                    throw new IllegalArgumentException("zonedata " + name + ": bad entry " + entry);
                }
                Map.Entry<?, ?> typed = map.entrySet().iterator().next();
                String type = String.valueOf(typed.getKey()).toUpperCase(Locale.ROOT);
                Object value = typed.getValue();
                if (isNone(value)) {
                    continue;
                }
                switch (type) {
                    case "TXT" -> zone.txt(name, suiteStrings(value));
                    case "SPF" -> {
                        zone.spf(name, suiteStrings(value));
                        if (!listsTxt) {
                            zone.txt(name, suiteStrings(value));
                        }
                    }
                    case "A" -> zone.a(name, String.valueOf(value));
                    case "AAAA" -> zone.aaaa(name, String.valueOf(value));
                    case "PTR" -> zone.ptrAt(name, String.valueOf(value));
                    case "CNAME" -> zone.cname(name, String.valueOf(value));
                    case "MX" -> {
                        List<?> mx = (List<?>) value;
                        zone.mx(name, Integer.parseInt(String.valueOf(mx.get(0))), String.valueOf(mx.get(1)));
                    }
                    default -> throw new IllegalArgumentException(
                            "zonedata " + name + ": unknown type " + type);
                }
            }
            if (timeout) {
                // pyspf's driver answers a type only if a record of it comes before TIMEOUT; the
                // TXT copies of SPF records come after everything.
                beforeTimeout.remove("SPF");
                zone.faultExceptFor(name, Fault.TIMEOUT, beforeTimeout);
            }
        }
        return zone;
    }

    /** What the server should send for one question. */
    record Resolution(Fault fault, int rcode, List<Record> answer) {
    }

    Resolution resolve(Name qname, int qtype) {
        List<Record> answer = new ArrayList<>();
        Set<Name> seen = new HashSet<>();
        Name current = qname;
        for (int hop = 0; hop < MAX_CNAME_HOPS; hop++) {
            Node node = nodes.get(current);
            if (node == null || node.records.isEmpty() && node.fault == null) {
                return new Resolution(null, Rcode.NXDOMAIN, answer);
            }
            List<Record> ofType = node.records.stream().filter(r -> r.getType() == qtype).toList();
            Fault fault = node.fault;
            if (fault != null && !node.answeredDespiteFault.contains(qtype)) {
                return new Resolution(fault, Rcode.NOERROR, List.of());
            }
            if (!ofType.isEmpty()) {
                answer.addAll(ofType);
                return new Resolution(null, Rcode.NOERROR, answer);
            }
            CNAMERecord cname = (CNAMERecord) node.records.stream()
                    .filter(r -> r.getType() == Type.CNAME).findFirst().orElse(null);
            if (cname == null) {
                return new Resolution(null, Rcode.NOERROR, answer);
            }
            answer.add(cname);
            seen.add(current);
            current = cname.getTarget();
            if (seen.contains(current)) {
                // A loop: send the chain so far; the client detects the loop (RFC 1034 3.6.2).
                return new Resolution(null, Rcode.NOERROR, answer);
            }
        }
        return new Resolution(null, Rcode.NOERROR, answer);
    }

    private Node node(Name name) {
        return nodes.computeIfAbsent(name, n -> new Node());
    }

    private static final class Node {
        final List<Record> records = new CopyOnWriteArrayList<>();
        volatile Fault fault;
        volatile Set<Integer> answeredDespiteFault = Set.of();
    }

    /** Labels of the text's UTF-8 bytes, taken literally (no zone-file escapes), as the client sends them. */
    static Name name(String text) {
        if (text.isEmpty() || text.equals(".")) {
            return Name.root; // e.g. the target of a null MX (RFC 7505)
        }
        String bare = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (String label : bare.split("\\.", -1)) {
            byte[] octets = label.getBytes(StandardCharsets.UTF_8);
            if (octets.length == 0 || octets.length > 63) {
                throw new IllegalArgumentException("not a DNS name: " + text);
            }
            wire.write(octets.length);
            wire.writeBytes(octets);
        }
        wire.write(0);
        try {
            return new Name(wire.toByteArray());
        } catch (IOException e) {
            throw new IllegalArgumentException("not a DNS name: " + text, e);
        }
    }

    private static InetAddress address(String literal, int length) {
        try {
            // Only literals reach here (tests give addresses), so this never queries DNS.
            if (!literal.matches("[0-9A-Fa-f:.]+")) {
                throw new IllegalArgumentException("not an IP literal: " + literal);
            }
            InetAddress address = InetAddress.getByName(literal);
            if (length == 16 && address.getAddress().length == 4) {
                // AAAA of an IPv4-mapped address given in dotted form, e.g. ::FFFF:1.2.3.4
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(address.getAddress(), 0, mapped, 12, 4);
                return Inet6Address.getByAddress(null, mapped, -1); // getByAddress would unmap it
            }
            if (length != 0 && address.getAddress().length != length) {
                throw new IllegalArgumentException("wrong address family: " + literal);
            }
            return address;
        } catch (IOException e) {
            throw new IllegalArgumentException("not an IP literal: " + literal, e);
        }
    }

    private static byte[][] utf8(String... strings) {
        List<byte[]> out = new ArrayList<>();
        for (String s : strings) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            if (bytes.length <= MAX_STRING) {
                out.add(bytes);
                continue;
            }
            for (int from = 0; from < bytes.length; from += MAX_STRING) {
                out.add(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + MAX_STRING)));
            }
        }
        return out.toArray(new byte[0][]);
    }

    /** Built from wire RDATA: dnsjava's text constructors would interpret backslash escapes. */
    private Record textRecord(String name, int type, byte[][] strings) {
        ByteArrayOutputStream rdata = new ByteArrayOutputStream();
        if (strings.length == 0) {
            // TXT RDATA holds at least one character-string (RFC 1035 3.3.14).
            rdata.write(0);
        }
        for (byte[] s : strings) {
            if (s.length > MAX_STRING) {
                throw new IllegalArgumentException("character-string over 255 bytes: " + s.length);
            }
            rdata.write(s.length);
            rdata.writeBytes(s);
        }
        return Record.newRecord(name(name), type, DClass.IN, ttl, rdata.toByteArray());
    }

    /** {@code TXT: NONE}: an entry that holds no record (it only stops the SPF-to-TXT copies). */
    private static boolean isNone(Object value) {
        return "NONE".equals(value) || List.of("NONE").equals(value);
    }

    private static String[] suiteStrings(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toArray(String[]::new);
        }
        return new String[] {String.valueOf(value)};
    }
}
