/**
 * Dialog tests: SMTP conversations written as small scripts (client line, expected reply with
 * code and text) against the real gateway on 127.0.0.1, with the wire-protocol test DNS server
 * as its only DNS server and a real SubEtha SMTP server as the internal server
 * ({@link org.spfgate.dialog.GatewayUnderTest}). {@link org.spfgate.dialog.SmtpClient} sends
 * exact bytes, so smuggling attempts and hostile input are sent as an attacker would.
 */
package org.spfgate.dialog;
