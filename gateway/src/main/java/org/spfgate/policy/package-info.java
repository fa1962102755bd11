/**
 * Policy: what the gateway decides about a client and its recipients, as values.
 *
 * <p>Place in the message path: {@code listener → session → policy → headers → relay}. The
 * session asks, in this order:
 * <ol>
 *   <li>at the first MAIL of a connection, once (kept for the connection's later transactions):
 *       {@link org.spfgate.policy.TrustedClients#check(java.net.InetAddress, String)} →
 *       {@link org.spfgate.policy.ClientTrust}: {@code Trusted(name, matcher, matched, treatment)}
 *       escapes SPF for its own address, {@code NotTrusted(reason)} says why for the log.
 *       Networks first (no DNS), then {@code mx_of} sets, host-name patterns by forward-confirmed
 *       reverse DNS, and {@code spf_domains} (SPF {@code pass} for a listed domain); DNS errors
 *       mean not trusted. With {@code spf: through}, at DATA,
 *       {@link org.spfgate.policy.SpfThroughRelay#evaluate} checks SPF for the client the topmost
 *       Received field names — stamped, never acted on;</li>
 *   <li>at each RCPT: {@link org.spfgate.policy.RecipientPolicy#check(String)} (the path without
 *       angle brackets) → {@link org.spfgate.policy.RecipientCheck}: {@code Accepted(Recipient)}
 *       (address exactly as written, unquoted local part, lower-case domain) or
 *       {@code Refused(Reject)}: {@code 554 5.7.1 relaying denied[: trick]} for foreign domains
 *       and relay tricks, {@code 501 5.1.3 bad recipient address syntax: why} for syntax;</li>
 *   <li>then, unless trusted: {@link org.spfgate.policy.SpfPolicy#decide} (MAIL FROM verdict,
 *       HELO verdict or {@code null}, recipient) → {@link org.spfgate.policy.Verdict}.</li>
 * </ol>
 *
 * <p>{@link org.spfgate.policy.Verdict} is sealed: {@code Accept(wouldHaveBeen, waiver)} |
 * {@code Reject(reason, detail)} | {@code Defer(reason, detail)}; the last two are
 * {@link org.spfgate.policy.Verdict.Refusal}s. A refusal becomes an SMTP reply in exactly one
 * place, {@link org.spfgate.policy.Verdict.Refusal#reply()}, where the table of codes is written.
 * Its {@link org.spfgate.policy.RejectionReason} ({@code relay_denied}, {@code bad_recipient},
 * {@code spf_<result>}, {@code helo_fail}) is the log and metric label; the session uses the
 * same enum for the refusals it makes itself.
 * An {@code Accept} whose {@code wouldHaveBeen} is present was waived
 * ({@code Waiver.REPORT_ONLY} or {@code Waiver.EXEMPT_RECIPIENT}): log it as "would reject".
 *
 * <p>Knows {@code config} and {@code spf} (verdicts and the DNS port) and {@code relay.Reply};
 * nothing of sockets or SubEtha.
 */
package org.spfgate.policy;
