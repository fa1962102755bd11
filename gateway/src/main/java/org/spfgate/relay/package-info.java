/**
 * The last stage of the message path ({@code listener → session → policy → headers → relay}):
 * hands an accepted transaction to the internal server while the client waits, or, with no
 * {@code relay:} configured, writes it into the delivery directory.
 *
 * <p>The session opens a {@link org.spfgate.relay.DownstreamTransaction} at MAIL
 * ({@link org.spfgate.relay.Downstream#open}), forwards each RCPT, and at DATA streams our headers
 * and the client's message through it; the internal server's replies become ours (docs/contract.md §3).
 * The client's message arrives already filtered ({@code org.spfgate.message}); on the way out
 * {@link org.spfgate.relay.DotStuffingOutputStream} stuffs it for the internal server's DATA.
 * Nothing is buffered whole.
 */
package org.spfgate.relay;
