package org.spfgate.headers;

import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Renders our trace field (RFC 5321 4.4), without a reverse lookup per message (performance,
 * docs/contract.md §8), so the TCP-info is the address literal alone:
 * <pre>
 * Received: from mail.example.com ([192.0.2.1]) by mx.example.org (spfgate) with ESMTPS id
 *  7F3A2C; Mon, 23 Nov 2026 13:28:48 +0000
 * Received: from mail.example.com ([192.0.2.1]) by mx.example.org (spfgate) with ESMTP id
 *  7F3A2D for &lt;bob@example.org&gt;; Mon, 23 Nov 2026 13:28:48 +0000
 * </pre>
 * {@code for} names the recipient only when there is exactly one (privacy), and only when its
 * text cannot disturb the field (a plain or properly quoted local part, no parentheses or angle
 * brackets). A HELO that is not a
 * domain or an address literal is written as {@code from unknown} with the sanitised HELO in the
 * comment: {@code from unknown (helo=bad?name [192.0.2.1])}.
 */
public final class ReceivedHeader {

    /** RFC 5321 4.1.2 Domain, leniently allowing {@code _} (seen in real HELOs, harmless here). */
    private static final Pattern DOMAIN = Pattern.compile(
            "[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*");
    /** RFC 5321 4.1.3 address-literal, IPv4 or IPv6. */
    private static final Pattern ADDRESS_LITERAL = Pattern.compile("\\[(?:[0-9.]{7,15}|IPv6:[0-9A-Fa-f:.]{2,45})]");
    /** A mailbox whose local part is a dot-atom or a closed quoted-string without parentheses or brackets. */
    private static final Pattern MAILBOX = Pattern.compile(
            "(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+|\"(?:[^\"\\\\()<>]|\\\\[^()<>])*\")(?:@[A-Za-z0-9.\\[\\]:_-]+)?");
    private static final Pattern UNSAFE_ID = Pattern.compile("[^A-Za-z0-9._-]");

    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS =
            {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    private final String hostname;

    /** @param hostname our host name ({@code server.hostname}) */
    public ReceivedHeader(String hostname) {
        this.hostname = Objects.requireNonNull(hostname, "hostname");
    }

    /** The folded field, CRLF-terminated. */
    public String folded(SmtpTrace trace) {
        return FieldFolder.fold(unfolded(trace));
    }

    String unfolded(SmtpTrace trace) {
        String literal = ClientAddress.literal(trace.clientIp());
        String helo = trace.helo();
        StringBuilder field = new StringBuilder(200).append("Received: from ");
        if (helo.length() <= 255 && (DOMAIN.matcher(helo).matches() || ADDRESS_LITERAL.matcher(helo).matches())) {
            field.append(helo).append(" (").append(literal).append(')');
        } else {
            field.append("unknown (helo=").append(UntrustedText.commentText(UntrustedText.clean(helo))).append(' ')
                    .append(literal).append(')');
        }
        String id = UNSAFE_ID.matcher(trace.id()).replaceAll("");
        field.append(" by ").append(UntrustedText.clean(hostname)).append(" (spfgate) with ")
                .append(trace.protocol().name())
                .append(" id ").append(id.isEmpty() ? "unknown" : id);
        if (trace.recipients().size() == 1) {
            String recipient = UntrustedText.clean(trace.recipients().get(0));
            // RFC 5321 4.4 "for" is optional: leave it out rather than write a path that could
            // open a comment or a quoted string, or close the angle brackets early
            if (MAILBOX.matcher(recipient).matches()) {
                field.append(" for <").append(recipient).append('>');
            }
        }
        return field.append("; ").append(date(trace.received())).toString();
    }

    /** RFC 5322 3.3 date-time, e.g. {@code Mon, 23 Nov 2026 13:28:48 +0000}; English names, not the locale's. */
    static String date(ZonedDateTime t) {
        int offsetMinutes = t.getOffset().getTotalSeconds() / 60;
        char sign = offsetMinutes < 0 ? '-' : '+';
        offsetMinutes = Math.abs(offsetMinutes);
        StringBuilder out = new StringBuilder(31)
                .append(DAYS[t.getDayOfWeek().getValue() - 1]).append(", ").append(t.getDayOfMonth()).append(' ')
                .append(MONTHS[t.getMonthValue() - 1]).append(' ').append(t.getYear()).append(' ');
        twoDigits(out, t.getHour()).append(':');
        twoDigits(out, t.getMinute()).append(':');
        twoDigits(out, t.getSecond()).append(' ').append(sign);
        twoDigits(out, offsetMinutes / 60);
        return twoDigits(out, offsetMinutes % 60).toString();
    }

    private static StringBuilder twoDigits(StringBuilder out, int value) {
        return out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}
