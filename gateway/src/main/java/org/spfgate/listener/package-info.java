/**
 * Listener: the SMTP server socket side, on SubEtha SMTP, and the {@link org.spfgate.listener.Gateway}
 * that wires the whole message path.
 *
 * <p>Place in the message path: {@code listener → session → policy → headers → relay}. The
 * listener accepts connections (virtual thread each, {@code TCP_NODELAY}, PROXY protocol from
 * configured load balancers), enforces the connection limits before the greeting, offers
 * STARTTLS (TLS 1.2+), reads commands and the DATA stream (dot-unstuffed, ending only at
 * {@code <CRLF>.<CRLF>}) and hands each command's text to the connection's
 * {@link org.spfgate.session.SmtpSession}, whose reply it sends. It makes no mail decisions.
 */
package org.spfgate.listener;
