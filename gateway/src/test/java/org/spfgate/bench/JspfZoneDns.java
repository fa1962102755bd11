package org.spfgate.bench;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.spfgate.spf.DnsAnswer;
import org.spfgate.spf.suite.InMemoryZoneDns;

/**
 * jSPF's {@link DNSService} answered from the same {@link InMemoryZoneDns} our checker uses, so
 * both engines see identical zone data. Answers are converted to jSPF's strings once and kept
 * (a warm cache), as jSPF's own dnsjava adapter would return them: a list of strings, {@code null}
 * for no such name or no data, {@link TimeoutException} for a DNS error. No dnsjava involved.
 */
final class JspfZoneDns implements DNSService {

    private final InMemoryZoneDns zone;
    private final ConcurrentHashMap<String, Answer> answers = new ConcurrentHashMap<>();

    /** A converted answer: records (null when void) or an error. */
    private record Answer(List<String> records, String error) {
    }

    JspfZoneDns(InMemoryZoneDns zone) {
        this.zone = zone;
    }

    @Override
    public List<String> getRecords(DNSRequest request) throws TimeoutException {
        String key = request.getRecordType() + " " + request.getHostname().toLowerCase(Locale.ROOT);
        Answer answer = answers.computeIfAbsent(key, k -> convert(request));
        if (answer.error() != null) {
            throw new TimeoutException(answer.error());
        }
        // jSPF edits the lists it gets (MXMechanism removes entries): a fresh copy per call,
        // as its dnsjava adapter returns.
        return answer.records() == null ? null : new ArrayList<>(answer.records());
    }

    private Answer convert(DNSRequest request) {
        String name = request.getHostname();
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        int type = request.getRecordType();
        DnsAnswer<?> answer;
        if (type == DNSRequest.A || type == DNSRequest.AAAA) {
            answer = zone.addresses(name, type == DNSRequest.AAAA);
        } else if (type == DNSRequest.MX) {
            answer = zone.mx(name);
        } else if (type == DNSRequest.TXT) {
            answer = zone.txt(name);
        } else if (type == DNSRequest.PTR) {
            answer = zone.ptrOfReverseName(name);
        } else {
            answer = DnsAnswer.nodata(); // type SPF (99) does not exist in our zones
        }
        if (answer.isError()) {
            return new Answer(null, answer.detail());
        }
        if (answer.isVoid()) {
            return new Answer(null, null);
        }
        List<String> out = new ArrayList<>();
        for (Object r : answer.records()) {
            out.add(r instanceof InetAddress ip ? ip.getHostAddress() : r.toString());
        }
        return new Answer(List.copyOf(out), null);
    }

    @Override
    public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
        try {
            return CompletableFuture.completedFuture(getRecords(request));
        } catch (TimeoutException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public List<String> getLocalDomainNames() {
        return List.of("localhost");
    }

    @Override
    public void setTimeOut(int timeOut) {
    }

    @Override
    public int getRecordLimit() {
        return 10;
    }

    @Override
    public void setRecordLimit(int recordLimit) {
    }
}
