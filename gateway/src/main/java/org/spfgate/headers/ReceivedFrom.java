package org.spfgate.headers;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.spfgate.config.IpLiteral;

/**
 * Who handed a message to the relay that wrote a {@code Received} field: the client IP and the
 * HELO name in its {@code from} clause (RFC 5321 4.4, {@code From-domain} and {@code TCP-info}).
 * That clause has no strict grammar in practice; the shapes read here are those the common MTAs
 * write:
 * <pre>
 * Postfix, Sendmail  from HELO (PTR [192.0.2.1])      from HELO (unknown [IPv6:2001:db8::1])
 * Exim               from NAME ([192.0.2.1] helo=HELO)   from [192.0.2.1] (helo=HELO)
 *                    from NAME ([2001:db8::1]:41234 helo=HELO)
 * Exchange           from NAME (192.0.2.1) by NAME (10.0.0.2) with Microsoft SMTP Server ...
 * qmail              from unknown (HELO name) (192.0.2.1)
 * zmailer            from NAME ([192.0.2.1]:57962 "EHLO name" rhost-flags-OK-OK-OK-OK)
 * </pre>
 * The IP is the first address literal ({@code [IP]}, {@code [IPv6:IP]}, or a bare IP filling a
 * whole comment) in the comments after the {@code from} name, else the {@code from} name itself
 * when it is a literal. The HELO is Exim's {@code helo=} or qmail's and zmailer's
 * {@code HELO}/{@code EHLO}, else the
 * {@code from} name (Postfix, Sendmail and Exchange write the HELO there). Nothing here asks
 * DNS: an IP that does not parse strictly is no IP.
 *
 * @param ip   the client IP as the relay recorded it (IPv4-mapped IPv6 left to the SPF engine)
 * @param helo the HELO name it gave, as written (untrusted text; may be an address literal)
 */
public record ReceivedFrom(InetAddress ip, String helo) {

    /** Beyond this, a comment is not read further: a Received field is short, a hostile one need not be. */
    private static final int MAX_CLAUSE = 2000;
    private static final Pattern LITERAL = Pattern.compile("\\[(?:IPv6:)?([0-9A-Fa-f:.]+)\\](?::\\d{1,5})?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern EXIM_HELO = Pattern.compile("(?:^|\\s)helo=(\\S+)", Pattern.CASE_INSENSITIVE);
    /** qmail's {@code (HELO name)}, zmailer's {@code "EHLO name"}: the verb in capitals, then the name. */
    private static final Pattern HELO_VERB = Pattern.compile("(?:^|[\\s\"])(?:HELO|EHLO) ([^\\s\"()]+)");

    public ReceivedFrom {
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(helo, "helo");
    }

    /**
     * The client in a Received field's value (without the {@code Received:} name; folded or not);
     * empty when the value has no {@code from} clause or no usable IP in it.
     */
    public static Optional<ReceivedFrom> parse(String fieldValue) {
        String value = fieldValue.replace('\r', ' ').replace('\n', ' ').replace('\t', ' ').strip();
        if (value.length() < 5 || !value.regionMatches(true, 0, "from ", 0, 5)) {
            return Optional.empty(); // e.g. "by host (Postfix, from userid 1000)": local submission
        }
        int at = skipSpaces(value, 5);
        int nameEnd = at;
        if (nameEnd < value.length() && value.charAt(nameEnd) == '[') {
            int close = value.indexOf(']', nameEnd);
            nameEnd = close < 0 ? value.length() : close + 1;
        }
        while (nameEnd < value.length() && value.charAt(nameEnd) != ' ' && value.charAt(nameEnd) != '(') {
            nameEnd++;
        }
        String name = value.substring(at, nameEnd);
        List<String> comments = comments(value, nameEnd);

        InetAddress ip = null;
        String helo = null;
        for (String comment : comments) {
            if (ip == null) {
                ip = firstAddress(comment);
            }
            Matcher exim = EXIM_HELO.matcher(comment);
            Matcher verb = HELO_VERB.matcher(comment);
            if (helo == null && exim.find()) {
                helo = exim.group(1);
            } else if (helo == null && verb.find()) {
                helo = verb.group(1);
            }
        }
        if (ip == null) {
            Matcher literal = LITERAL.matcher(name);
            if (literal.matches()) {
                ip = address(literal.group(1));
            }
        }
        if (ip == null) {
            return Optional.empty();
        }
        if (helo == null) {
            helo = name.equalsIgnoreCase("unknown") ? "" : name;
        }
        return Optional.of(new ReceivedFrom(ip, helo));
    }

    /** The top-level comments right after the from name, up to the next word (usually "by"). */
    private static List<String> comments(String value, int from) {
        List<String> comments = new ArrayList<>();
        int at = skipSpaces(value, from);
        int limit = Math.min(value.length(), from + MAX_CLAUSE);
        while (at < limit && value.charAt(at) == '(') {
            int depth = 0;
            int start = at + 1;
            int i = at;
            for (; i < limit; i++) {
                char c = value.charAt(i);
                if (c == '\\') {
                    i++; // RFC 5322 3.2.1 quoted-pair
                } else if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth == 0) {
                    break;
                }
            }
            comments.add(value.substring(start, Math.min(i, limit)));
            at = skipSpaces(value, i + 1);
        }
        return comments;
    }

    /** The first {@code [IP]} or {@code [IPv6:IP]} of a comment, or the comment when it is just an IP; or null. */
    private static InetAddress firstAddress(String comment) {
        Matcher literal = LITERAL.matcher(comment);
        while (literal.find()) {
            InetAddress ip = address(literal.group(1));
            if (ip != null) {
                return ip;
            }
        }
        // Exchange and qmail write the bare IP as the whole comment; a HELO word never counts
        return address(comment.strip());
    }

    private static InetAddress address(String text) {
        if (text.isEmpty() || (!IpLiteral.isIPv4(text) && !IpLiteral.isIPv6(text))) {
            return null;
        }
        return IpLiteral.parse(text.toLowerCase(Locale.ROOT));
    }

    private static int skipSpaces(String s, int at) {
        while (at < s.length() && s.charAt(at) == ' ') {
            at++;
        }
        return at;
    }
}
