/**
 * Session: one client connection's SMTP conversation, and the place where the message path is
 * written down once ({@link org.spfgate.session.SmtpSession}).
 *
 * <p>Place in the message path: {@code listener → session → policy → headers → relay}. The
 * listener hands each command's text to the session and sends back the reply it returns; the
 * session asks {@code policy} (trusted client, recipient, SPF action), {@code spf} (verdicts at
 * MAIL), {@code headers} (what to prepend at DATA) and {@code relay} (the downstream
 * transaction opened at MAIL, whose reply to the final dot becomes ours), and reports to
 * {@code metrics} and the decision log ({@code maillog}). It knows nothing of SubEtha.
 */
package org.spfgate.session;
