/**
 * The message itself, for verdicts that depend on it: {@link org.spfgate.message.MessageHead}
 * is its header block (read, bounded, before our own headers are written downstream), and
 * {@link org.spfgate.message.HeldMessage} keeps the whole message until a verdict that needs
 * all of it (a DKIM signature, RFC 6376) is taken. Sits between {@code listener} (which reads
 * DATA) and {@code relay} (which sends the bytes on, unchanged); knows nothing of SMTP replies.
 */
package org.spfgate.message;
