package org.spfgate.spf;

import java.util.List;
import java.util.Objects;

/**
 * One DNS answer as SPF sees it (RFC 7208 sections 4.4 and 5): records, a void answer
 * (the name does not exist, or has no records of the type), or an error that makes the check a
 * temperror (SERVFAIL, time-out, garbage).
 */
public record DnsAnswer<T>(Status status, List<T> records, String detail) {

    public enum Status {
        /** At least one record of the asked type. */
        FOUND,
        /** RCODE 3: the name does not exist. A void lookup (RFC 7208 4.6.4). */
        NXDOMAIN,
        /** RCODE 0 with no answer of the asked type. A void lookup (RFC 7208 4.6.4). */
        NODATA,
        /** SERVFAIL, REFUSED, time-out or an unusable reply: temperror (RFC 7208 2.6.6). */
        ERROR
    }

    public DnsAnswer {
        Objects.requireNonNull(status, "status");
        records = List.copyOf(records);
        detail = detail == null ? "" : detail;
    }

    public static <T> DnsAnswer<T> found(List<T> records) {
        return records.isEmpty() ? nodata() : new DnsAnswer<>(Status.FOUND, records, "");
    }

    public static <T> DnsAnswer<T> nxdomain() {
        return new DnsAnswer<>(Status.NXDOMAIN, List.of(), "NXDOMAIN");
    }

    public static <T> DnsAnswer<T> nodata() {
        return new DnsAnswer<>(Status.NODATA, List.of(), "no data");
    }

    public static <T> DnsAnswer<T> error(String detail) {
        return new DnsAnswer<>(Status.ERROR, List.of(), detail);
    }

    /** NXDOMAIN or NODATA: counts against the void-lookup limit. */
    public boolean isVoid() {
        return status == Status.NXDOMAIN || status == Status.NODATA;
    }

    public boolean isError() {
        return status == Status.ERROR;
    }
}
