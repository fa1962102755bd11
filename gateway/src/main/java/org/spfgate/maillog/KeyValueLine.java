package org.spfgate.maillog;

import inet.ipaddr.IPAddressString;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.spfgate.spf.SpfVerdict;

/**
 * The default decision-log format: one line per transaction, {@code key=value} fields in a fixed
 * order, greppable the way Postfix's log is ({@code grep 'from=<alice@example.com>'},
 * {@code grep 'status=rejected reason=spf_fail'}). Fields without a value are left out.
 *
 * <pre>
 * 2026-11-23T13:45:01.123Z spfgate: id=7Q2XK4 client=mail.example.com[192.0.2.1] helo=mail.example.com
 *   from=&lt;alice@example.com&gt; refused_to=&lt;bob@example.org&gt;,&lt;carol@example.org&gt; spf=fail mechanism="-all"
 *   status=rejected reason=spf_fail reply="550 5.7.23 ..." size=4096 delay=0.012s
 * </pre>
 * (one line in the log; wrapped here).
 */
final class KeyValueLine {

    static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private KeyValueLine() {
    }

    static String format(TransactionRecord r, Instant time) {
        StringBuilder line = new StringBuilder(256);
        line.append(TIME.format(time)).append(" spfgate:");
        field(line, "id", new LogValue().text(r.id()));
        // Brackets separate name and IP, so a name cannot bring its own.
        LogValue client = r.clientName() == null
                ? new LogValue().literal("unknown")
                : new LogValue().text(r.clientName(), "[]");
        field(line, "client", client.literal("[").literal(ip(r.clientIp())).literal("]"));
        if (r.helo() != null) {
            field(line, "helo", new LogValue().text(r.helo()));
        }
        if (r.sender() != null) {
            field(line, "from", address(new LogValue(), r.sender()));
        }
        addresses(line, "to", r.recipients());
        addresses(line, "refused_to", r.refusedRecipients());
        addresses(line, "exempt_to", r.exemptRecipients());
        if (r.trusted() != null) {
            field(line, "trusted", new LogValue().text(r.trusted()));
        }
        if (r.trustedBy() != null) {
            field(line, "trusted_by", new LogValue().literal(r.trustedBy()));
        }
        if (r.via() != null) {
            field(line, "via", new LogValue().literal(r.via()));
        }
        if (r.viaClient() != null) {
            field(line, "via_client", new LogValue().literal("[").literal(ip(r.viaClient())).literal("]"));
        }
        if (r.viaProblem() != null) {
            field(line, "via_problem", new LogValue().text(r.viaProblem()));
        }
        if (r.spf() != null) {
            spf(line, "spf", "mechanism", r.spf());
        }
        if (r.heloSpf() != null) {
            spf(line, "helo_spf", "helo_mechanism", r.heloSpf());
        }
        field(line, "status", new LogValue().literal(r.status().token()));
        if (r.reason() != null) {
            field(line, "reason", new LogValue().text(r.reason()));
        }
        if (r.wouldReject() != null) {
            field(line, "would_reject", new LogValue().text(r.wouldReject()));
        }
        if (r.rescuedBy() != null) {
            field(line, "rescued_by", new LogValue().literal("dkim"));
            field(line, "d", new LogValue().text(r.rescuedBy()));
        }
        if (r.reply() != null) {
            field(line, "reply", LogValue.alwaysQuoted().literal(Integer.toString(r.reply().code()))
                    .literal(" ").text(r.reply().text()));
        }
        if (r.downstreamId() != null) {
            field(line, "downstream_id", new LogValue().text(r.downstreamId()));
        }
        if (r.size() >= 0) {
            field(line, "size", new LogValue().literal(Long.toString(r.size())));
        }
        field(line, "delay", new LogValue().literal(seconds(r)));
        return line.toString();
    }

    private static void spf(StringBuilder line, String resultKey, String mechanismKey, SpfVerdict verdict) {
        field(line, resultKey, new LogValue().literal(verdict.result().token()));
        if (verdict.decidedBy() != null) {
            field(line, mechanismKey, LogValue.alwaysQuoted().text(verdict.decidedBy()));
        }
    }

    /** {@code key=<a>,<b>}; nothing for an empty list. */
    private static void addresses(StringBuilder line, String key, List<String> addresses) {
        if (addresses.isEmpty()) {
            return;
        }
        LogValue value = new LogValue();
        for (int i = 0; i < addresses.size(); i++) {
            if (i > 0) {
                value.literal(",");
            }
            address(value, addresses.get(i));
        }
        field(line, key, value);
    }

    /** {@code <address>}; brackets and commas inside the address are escaped so lists stay lists. */
    private static LogValue address(LogValue value, String address) {
        return value.literal("<").text(address, "<>,").literal(">");
    }

    /** RFC 5952 text for IPv6 ({@code 2001:db8::7}, as people grep for it), dotted quad for IPv4. */
    static String ip(InetAddress address) {
        if (address instanceof Inet6Address) {
            return new IPAddressString(address.getHostAddress()).getAddress().toCompressedString();
        }
        return address.getHostAddress();
    }

    static String seconds(TransactionRecord r) {
        return String.format(Locale.ROOT, "%.3fs", r.delay().toNanos() / 1e9);
    }

    private static void field(StringBuilder line, String key, LogValue value) {
        line.append(' ').append(key).append('=').append(value.render());
    }
}
