package org.spfgate.relay;

/**
 * An SMTP reply as it goes to our client: code and text (the text starts with the enhanced
 * status code when there is one, e.g. {@code 4.4.1 internal server unreachable}).
 * Multi-line downstream replies are joined into one line.
 */
public record Reply(int code, String text) {

    public boolean isPositive() {
        return code >= 200 && code < 300;
    }

    public boolean isTransient() {
        return code >= 400 && code < 500;
    }

    @Override
    public String toString() {
        return code + " " + text;
    }
}
