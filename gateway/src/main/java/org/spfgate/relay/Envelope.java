package org.spfgate.relay;

/**
 * What the client said at MAIL FROM.
 *
 * @param reversePath  the address exactly as the client wrote it, without angle brackets;
 *                     empty for the null sender
 * @param smtpUtf8     the client gave the {@code SMTPUTF8} parameter
 * @param eightBitMime the client gave {@code BODY=8BITMIME}
 * @param declaredSize the {@code SIZE=} parameter, or -1
 */
public record Envelope(String reversePath, boolean smtpUtf8, boolean eightBitMime, long declaredSize) {
}
