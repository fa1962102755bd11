/**
 * Listener: the SMTP server socket side, on SubEtha SMTP. Everything specific to SubEtha stays
 * here; the rest of the gateway sees only {@link org.spfgate.session.SmtpSession}.
 *
 * <p>Place in the message path: {@code listener → session → policy → headers → relay}. The
 * listener accepts connections (a thread each: {@link org.spfgate.listener.SessionThreads};
 * {@code TCP_NODELAY}; PROXY protocol from configured load balancers), enforces the connection
 * limits before the greeting, offers STARTTLS (TLS 1.2+), reads commands, and hands each
 * command's text to the connection's {@link org.spfgate.session.SmtpSession}, whose reply it
 * sends; at DATA it gives the session the connection's raw input as
 * {@link org.spfgate.message.DotTerminatedData} (SubEtha's
 * buffered input, with the data time-out) and drains what the session left of it before
 * replying, so that no byte of the message is read as a command. It makes no mail decisions.
 * It also keeps the deadlines a client cannot stretch by trickling or never reading
 * ({@link org.spfgate.listener.ClientDeadlines}: a whole command line, the whole session, each
 * reply), and the read time-outs too, by the same sweep rather than a JDK timer per read or write
 * ({@link org.spfgate.listener.ClientSocket}), and reads the PROXY header itself
 * ({@link org.spfgate.listener.ProxyHeader}). SubEtha's reader and writer for a session are built
 * again on the session's own thread when it is a virtual one, where they start small
 * ({@link org.spfgate.listener.StreamsOnSessionThread}).
 *
 * <p>{@link org.spfgate.listener.ConnectionGate} is given the {@link org.spfgate.session.Sessions}
 * to open a session from, {@link org.spfgate.listener.SmtpListener} the server part of the
 * configuration; {@link org.spfgate.Gateway} wires them.
 */
package org.spfgate.listener;
