package org.spfgate.headers;

import static org.spfgate.headers.UntrustedText.commentText;
import static org.spfgate.headers.UntrustedText.dotAtomOrQuoted;
import static org.spfgate.headers.UntrustedText.quoted;

import java.net.InetAddress;
import java.util.Objects;
import org.spfgate.spf.SpfResult;
import org.spfgate.spf.SpfVerdict;

/**
 * Renders the {@code Received-SPF} field of RFC 7208 section 9.1 (docs/contract.md §1 and §5):
 * <pre>
 * Received-SPF: fail (mx.example.org: domain of alice@example.com does not designate 192.0.2.1
 *  as permitted sender) client-ip=192.0.2.1; envelope-from="alice@example.com";
 *  helo=mail.example.com; receiver=mx.example.org; identity=mailfrom; mechanism="-all"
 * </pre>
 * Keys: {@code client-ip}, {@code envelope-from}, {@code helo}, {@code receiver},
 * {@code identity}, {@code mechanism} when a term matched, {@code problem} for
 * temperror/permerror. HELO and sender are untrusted: values are dot-atoms or quoted strings
 * (RFC 7208 9.1), control characters and non-ASCII never get through, the comment has no
 * unbalanced parentheses — one well-formed field whatever the client sent.
 * {@code envelope-from} and {@code mechanism} are always quoted, as in docs/contract.md §1.
 */
public final class ReceivedSpfHeader {

    private final String receiver;

    /** @param receiver our host name ({@code server.hostname}) */
    public ReceivedSpfHeader(String receiver) {
        this.receiver = Objects.requireNonNull(receiver, "receiver");
    }

    /** The field on one line, without CRLF (the {@code check} command prints this). */
    public String unfolded(SpfVerdict verdict) {
        return unfolded(verdict, null);
    }

    /**
     * @param note appended to the comment after a {@code ;} (e.g. {@code via trusted relay
     *             backup-mx 198.51.100.7}), or {@code null}
     */
    private String unfolded(SpfVerdict verdict, String note) {
        StringBuilder field = new StringBuilder(256).append("Received-SPF: ")
                .append(verdict.result().token())
                .append(" (").append(commentText(receiver)).append(": ")
                .append(commentText(comment(verdict)));
        if (note != null) {
            field.append("; ").append(commentText(note));
        }
        field.append(')');
        // RFC 7208 9.1: key-value-pair = key [CFWS] "=" ( dot-atom / quoted-string )
        field.append(" client-ip=").append(dotAtomOrQuoted(ClientAddress.text(verdict.clientIp())))
                .append("; envelope-from=").append(quoted(verdict.sender()))
                .append("; helo=").append(dotAtomOrQuoted(verdict.helo()))
                .append("; receiver=").append(dotAtomOrQuoted(receiver))
                .append("; identity=").append(verdict.identity().token());
        if (verdict.decidedBy() != null && !verdict.decidedBy().isEmpty()) {
            field.append("; mechanism=").append(quoted(verdict.decidedBy()));
        }
        if ((verdict.result() == SpfResult.PERMERROR || verdict.result() == SpfResult.TEMPERROR)
                && verdict.explanation() != null && !verdict.explanation().isBlank()) {
            field.append("; problem=").append(quoted(verdict.explanation()));
        }
        return field.toString();
    }

    /** The field folded at spaces to about 78 columns, each line CRLF-terminated (for the message). */
    public String folded(SpfVerdict verdict) {
        return FieldFolder.fold(unfolded(verdict));
    }

    /**
     * For SPF evaluated through a trusted relay ({@code spf: through}): {@code client-ip} is the
     * relay's client, and the comment names the relay — {@code ...; via trusted relay backup-mx
     * 198.51.100.7}. Folded, CRLF-terminated.
     */
    public String foldedThrough(SpfVerdict original, InetAddress relay, String trustedName) {
        return FieldFolder.fold(unfolded(original, "via trusted relay " + trustedName + " " + ClientAddress.text(relay)));
    }

    /** The human comment, in the words RFC 7208 9.1's examples and common receivers use. */
    private static String comment(SpfVerdict v) {
        String sender = UntrustedText.clean(v.sender());
        String ip = ClientAddress.text(v.clientIp());
        return switch (v.result()) {
            case PASS -> "domain of " + sender + " designates " + ip + " as permitted sender";
            case FAIL -> "domain of " + sender + " does not designate " + ip + " as permitted sender";
            case SOFTFAIL -> "domain of transitioning " + sender + " does not designate " + ip + " as permitted sender";
            case NEUTRAL -> ip + " is neither permitted nor denied by domain of " + sender;
            case NONE -> "domain of " + sender + " does not designate permitted sender hosts";
            case TEMPERROR -> "temporary error in processing during lookup of " + sender;
            case PERMERROR -> "permanent error in processing domain of " + sender;
        };
    }
}
