package org.spfgate.maillog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import org.spfgate.spf.SpfVerdict;

/**
 * The decision-log format for log shippers ({@code log.format: json}): one JSON object per line
 * with the same keys as {@link KeyValueLine}, except that the client is split into
 * {@code client_ip} and {@code client_name}, {@code to} and {@code refused_to} are arrays, the reply also has its
 * {@code reply_code} as a number and {@code delay} is a number of seconds. Absent fields are
 * left out. Jackson escapes every control character, so a line is always one line.
 */
final class JsonLine {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLine() {
    }

    static String format(TransactionRecord r, Instant time) {
        ObjectNode o = JSON.createObjectNode();
        o.put("time", KeyValueLine.TIME.format(time));
        o.put("id", r.id());
        o.put("client_ip", KeyValueLine.ip(r.clientIp()));
        putIfPresent(o, "client_name", r.clientName());
        putIfPresent(o, "helo", r.helo());
        putIfPresent(o, "from", r.sender());
        if (!r.recipients().isEmpty()) {
            ArrayNode to = o.putArray("to");
            r.recipients().forEach(to::add);
        }
        if (!r.refusedRecipients().isEmpty()) {
            ArrayNode refused = o.putArray("refused_to");
            r.refusedRecipients().forEach(refused::add);
        }
        if (!r.exemptRecipients().isEmpty()) {
            ArrayNode exempt = o.putArray("exempt_to");
            r.exemptRecipients().forEach(exempt::add);
        }
        putIfPresent(o, "trusted", r.trusted());
        putIfPresent(o, "trusted_by", r.trustedBy());
        putIfPresent(o, "via", r.via());
        putIfPresent(o, "via_client", r.viaClient() == null ? null : KeyValueLine.ip(r.viaClient()));
        putIfPresent(o, "via_problem", r.viaProblem());
        spf(o, "spf", "mechanism", r.spf());
        spf(o, "helo_spf", "helo_mechanism", r.heloSpf());
        o.put("status", r.status().token());
        putIfPresent(o, "reason", r.reason());
        putIfPresent(o, "would_reject", r.wouldReject());
        if (r.rescuedBy() != null) {
            o.put("rescued_by", "dkim");
            o.put("d", r.rescuedBy());
        }
        if (r.reply() != null) {
            o.put("reply_code", r.reply().code());
            o.put("reply", r.reply().toString());
        }
        putIfPresent(o, "downstream_id", r.downstreamId());
        if (r.size() >= 0) {
            o.put("size", r.size());
        }
        o.put("delay", BigDecimal.valueOf(r.delay().toNanos(), 9).setScale(3, java.math.RoundingMode.HALF_EVEN));
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
    }

    private static void spf(ObjectNode o, String resultKey, String mechanismKey, SpfVerdict verdict) {
        if (verdict != null) {
            o.put(resultKey, verdict.result().token());
            putIfPresent(o, mechanismKey, verdict.decidedBy());
        }
    }

    private static void putIfPresent(ObjectNode o, String key, String value) {
        if (value != null) {
            o.put(key, value);
        }
    }
}
