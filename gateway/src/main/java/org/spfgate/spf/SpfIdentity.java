package org.spfgate.spf;

/** Which identity a check was about (RFC 7208 section 2.3 and 2.4). */
public enum SpfIdentity {
    MAILFROM("mailfrom"), HELO("helo");

    private final String token;

    SpfIdentity(String token) {
        this.token = token;
    }

    /** The token used in {@code identity=} of Received-SPF and in metrics labels. */
    public String token() {
        return token;
    }
}
