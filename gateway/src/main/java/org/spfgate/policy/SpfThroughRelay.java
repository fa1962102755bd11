package org.spfgate.policy;

import java.util.Objects;
import java.util.Optional;
import org.spfgate.headers.ReceivedFrom;
import org.spfgate.message.MessageHead;
import org.spfgate.spf.SpfChecker;
import org.spfgate.spf.SpfVerdict;

/**
 * SPF for the client that handed a message to a trusted relay ({@code spf: through}): the IP
 * and HELO of the topmost {@code Received} field — the one the relay added when it accepted the
 * message — checked with the envelope's MAIL FROM (RFC 7208 2.4; the null sender checks
 * {@code postmaster@<that HELO>}). Only the MAIL FROM identity: the HELO identity of a client we
 * never spoke to proves nothing its Received field did not already claim. Thread-safe.
 */
public final class SpfThroughRelay {

    /** What the evaluation came to. */
    public sealed interface Outcome permits Evaluated, NotEvaluated {
    }

    /** SPF of the original client, whose IP and HELO the verdict carries. */
    public record Evaluated(SpfVerdict verdict) implements Outcome {
        public Evaluated {
            Objects.requireNonNull(verdict, "verdict");
        }
    }

    /** No client to evaluate; {@code why} is for the header comment and the log. */
    public record NotEvaluated(String why) implements Outcome {
        public NotEvaluated {
            Objects.requireNonNull(why, "why");
        }
    }

    static final String NO_RECEIVED = "the message has no Received field";
    static final String NO_CLIENT = "the topmost Received field names no client IP";

    private final SpfChecker spf;

    public SpfThroughRelay(SpfChecker spf) {
        this.spf = Objects.requireNonNull(spf, "spf");
    }

    /**
     * @param head   the message's header block, as the relay sent it
     * @param sender the MAIL FROM as given, {@code ""} for the null sender
     */
    public Outcome evaluate(MessageHead head, String sender) {
        Optional<MessageHead.Field> field = head.topmost("Received");
        if (field.isEmpty()) {
            return new NotEvaluated(NO_RECEIVED);
        }
        Optional<ReceivedFrom> client = ReceivedFrom.parse(field.get().value());
        if (client.isEmpty()) {
            return new NotEvaluated(NO_CLIENT);
        }
        return new Evaluated(spf.checkMailFrom(client.get().ip(), sender, client.get().helo()));
    }
}
