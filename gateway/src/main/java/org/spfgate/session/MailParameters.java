package org.spfgate.session;

import java.util.Map;

/**
 * The MAIL FROM parameters the gateway offers (advertised at EHLO): {@code SIZE} (RFC 1870),
 * {@code BODY=7BIT|8BITMIME} (RFC 6152) and {@code SMTPUTF8} (RFC 6531). Any other parameter is
 * refused (RFC 5321 4.1.1.11: 555 5.5.4).
 *
 * @param declaredSize {@code SIZE=}, or -1
 */
record MailParameters(long declaredSize, boolean eightBitMime, boolean smtpUtf8) {

    /** A parameter we do not offer, or a bad value: the reply text after {@code 555 5.5.4}. */
    static final class Unsupported extends Exception {
        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    static MailParameters of(Map<String, String> parameters) throws Unsupported {
        long size = -1;
        boolean eightBit = false;
        boolean utf8 = false;
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            String value = p.getValue();
            switch (p.getKey()) {
                case "SIZE" -> {
                    if (value == null || !value.matches("[0-9]{1,18}")) {
                        throw new Unsupported("SIZE needs a number");
                    }
                    size = Long.parseLong(value);
                }
                case "BODY" -> {
                    if ("8BITMIME".equalsIgnoreCase(value)) {
                        eightBit = true;
                    } else if (!"7BIT".equalsIgnoreCase(value)) {
                        throw new Unsupported("BODY=" + CommandArgument.printable(String.valueOf(value))
                                + " not supported");
                    }
                }
                case "SMTPUTF8" -> {
                    if (value != null) {
                        throw new Unsupported("SMTPUTF8 takes no value");
                    }
                    utf8 = true;
                }
                default -> throw new Unsupported("Parameter " + CommandArgument.printable(p.getKey())
                        + " not supported");
            }
        }
        return new MailParameters(size, eightBit, utf8);
    }
}
