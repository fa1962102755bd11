/**
 * The client's message as it comes in at DATA, before any header of ours is written: the
 * inbound stream's filters, and what the session reads of the message for its verdicts.
 *
 * <p>Place in the message path: between {@code listener} (which hands over the connection's
 * raw bytes after the {@code 354}) and {@code relay} (which sends the bytes on, unchanged after
 * our headers); {@link org.spfgate.session.SmtpSession#data} assembles the stages in order:
 * <ol>
 *   <li>{@link org.spfgate.message.DotTerminatedData}: the data ends only at
 *       {@code <CRLF>.<CRLF>} and is dot-unstuffed (RFC 5321 4.1.1.4, 4.5.2), never reading past
 *       the terminator (built by the listener, which owns the connection);</li>
 *   <li>{@link org.spfgate.message.SizeLimitedInputStream}: {@code server.max_message_size}
 *       on the client's bytes (RFC 1870 6; {@link org.spfgate.message.MessageTooLargeException});</li>
 *   <li>{@link org.spfgate.message.BareLineEndingFilter}: bare CR and LF normalised or refused
 *       (RFC 5321 2.3.8; {@link org.spfgate.message.BareLineEndingException});</li>
 *   <li>{@link org.spfgate.message.OwnAuthenticationResultsFilter}: Authentication-Results
 *       fields that claim our host name removed (RFC 8601 5);</li>
 *   <li>{@link org.spfgate.message.IncomingMessage}: its {@link org.spfgate.message.MessageHead}
 *       (the header block, bounded), and, when a verdict needs all of it (a DKIM signature,
 *       RFC 6376), the whole message {@link org.spfgate.message.HeldMessage held}.</li>
 * </ol>
 * Every stage streams; only a held message is kept whole (memory, then a temporary file).
 * Knows nothing of SMTP replies: the exceptions say what went wrong, the session answers.
 */
package org.spfgate.message;
