/**
 * The last stage of the message path ({@code listener → session → policy → headers → relay}):
 * hands an accepted transaction to the internal server while the client waits, or, with no
 * {@code relay:} configured, writes it into the delivery directory.
 *
 * <p>The session opens a {@link org.spfgate.relay.DownstreamTransaction} at MAIL
 * ({@link org.spfgate.relay.Downstream#open}), forwards each RCPT, and at DATA streams our headers
 * and the client's message through it; the internal server's replies become ours (docs/contract.md §3).
 * The DATA byte pipeline lives here too: the client's dot-unstuffed data goes through
 * {@link org.spfgate.relay.SizeLimitedInputStream} and
 * {@link org.spfgate.relay.BareLineEndingFilter} on the way in, and
 * {@link org.spfgate.relay.DotStuffingOutputStream} on the way out. Nothing is buffered whole.
 */
package org.spfgate.relay;
