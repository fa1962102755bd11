/**
 * Policy: what the gateway decides about a client and its recipients, as values.
 *
 * <p>Place in the message path: {@code listener → session → policy → headers → relay}. The
 * session asks, in this order:
 * <ol>
 *   <li>at connect: {@link org.spfgate.policy.TrustedClients#check} → {@link
 *       org.spfgate.policy.ClientTrust} ({@code Trusted(name, matched)} skips SPF);</li>
 *   <li>at each RCPT: {@link org.spfgate.policy.RecipientPolicy#check} → {@link
 *       org.spfgate.policy.RecipientCheck} ({@code Accepted(Recipient)} or
 *       {@code Refused(Reject)}: 554 5.7.1 relay denied / 501 5.1.3 syntax);</li>
 *   <li>then, unless trusted: {@link org.spfgate.policy.SpfPolicy#decide}(mailFrom verdict, HELO
 *       verdict or null, recipient) → {@link org.spfgate.policy.Verdict}.</li>
 * </ol>
 *
 * <p>{@link org.spfgate.policy.Verdict} is sealed: {@code Accept(wouldHaveBeen, waiver)} |
 * {@code Reject(reason, detail)} | {@code Defer(reason, detail)}. A refusal becomes an SMTP reply
 * in exactly one place, {@link org.spfgate.policy.Verdict.Refusal#reply()}; its
 * {@link org.spfgate.policy.Verdict.Reason#token()} is the metric/log label. An {@code Accept}
 * whose {@code wouldHaveBeen} is present was waived (report-only mode, or an exempt recipient):
 * log it as "would reject".
 *
 * <p>Knows {@code config} and {@code spf} (verdicts and the DNS port); nothing of SMTP sockets.
 */
package org.spfgate.policy;
