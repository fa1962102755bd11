package org.spfgate.spf;

/**
 * Ends an evaluation early with {@code temperror} or {@code permerror} (RFC 7208 2.6.6, 2.6.7).
 * Thrown and caught inside the package only; carries no stack trace because it is control flow,
 * not a bug.
 */
final class SpfAbort extends RuntimeException {

    private final SpfResult result;

    private SpfAbort(SpfResult result, String message) {
        super(message, null, false, false);
        this.result = result;
    }

    static SpfAbort permerror(String message) {
        return new SpfAbort(SpfResult.PERMERROR, message);
    }

    static SpfAbort temperror(String message) {
        return new SpfAbort(SpfResult.TEMPERROR, message);
    }

    SpfResult result() {
        return result;
    }
}
