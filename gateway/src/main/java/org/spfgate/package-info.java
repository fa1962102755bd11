/**
 * spfgate, an inbound SMTP border gateway: SPF (RFC 7208) at ingress, synchronous byte-exact
 * relay to the internal server.
 *
 * <p>The message path, one package per stage: {@code listener} (SubEtha SMTP, connection limits,
 * STARTTLS, PROXY protocol) → {@code session} (the pipeline of one SMTP transaction) →
 * {@code policy} (trusted client? accepted recipient? SPF verdict → accept, reject or defer) →
 * {@code headers} (Authentication-Results, Received-SPF, Received) → {@code relay} (the internal
 * server, or the delivery directory). Leaves beside it: {@code spf} (the evaluator) and
 * {@code dns} (its DNS client); around it: {@code config}, {@code metrics}, {@code maillog} and
 * {@code cli}. {@link org.spfgate.Main} hands the arguments to {@code cli} and, for {@code run},
 * starts a {@link org.spfgate.Gateway}, the one class that wires every package together, by hand.
 */
package org.spfgate;
