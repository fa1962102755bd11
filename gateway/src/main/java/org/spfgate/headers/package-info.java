/**
 * Headers: the trace fields the gateway prepends.
 *
 * <p>Place in the message path: {@code listener → session → policy → headers → relay}. At DATA
 * the session builds {@link org.spfgate.headers.SmtpTrace} (HELO, client IP, {@code with}
 * protocol, id, recipients, time) and calls
 * {@link org.spfgate.headers.TraceHeaders#checked} (or {@code #trusted}, {@code #through},
 * {@code #notEvaluatedThrough} for a trusted client; {@link org.spfgate.headers.ReceivedFrom}
 * reads the client of a relay's Received field for {@code spf: through}) to
 * get the prepended bytes — Authentication-Results, Received-SPF, Received, top first (docs/contract.md
 * §5); they go to {@code DownstreamTransaction#data} ahead of the client's message, from which
 * {@link org.spfgate.message.OwnAuthenticationResultsFilter} has removed forged fields of ours.
 * The {@code check} command prints {@link org.spfgate.headers.ReceivedSpfHeader#unfolded}.
 *
 * <p>Decisions: Received carries no reverse-DNS name ({@code from HELO ([IP])}, no lookup per
 * message); {@code smtp.mailfrom} of the null sender is {@code postmaster@<helo>}, the identity
 * SPF checked; a HELO result that differs from the MAIL FROM result adds its own Received-SPF
 * ({@code identity=helo}).
 *
 * <p>Every renderer treats HELO, envelope addresses and DNS text as hostile: the output is one
 * well-formed field per header, US-ASCII (anything else becomes {@code ?}), CRLF line ends,
 * folded at spaces near 78 columns and never beyond RFC 5322's 998.
 */
package org.spfgate.headers;
