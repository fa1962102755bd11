package org.spfgate.cli;

/**
 * The exit codes of the commands that are not SPF results, from BSD's {@code sysexits.h}, which
 * init systems and mail administrators already know.
 */
public final class ExitCodes {

    public static final int OK = 0;
    /** EX_USAGE: the command line was wrong (unknown option, missing value, bad address). */
    public static final int USAGE = 64;
    /** EX_UNAVAILABLE: the gateway could not start (port taken, certificate unreadable, ...). */
    public static final int CANNOT_START = 69;
    /** EX_SOFTWARE: an unexpected internal error. */
    public static final int INTERNAL_ERROR = 70;
    /** EX_CONFIG: the configuration has errors; nothing was started. */
    public static final int CONFIG_ERROR = 78;

    private ExitCodes() {
    }
}
