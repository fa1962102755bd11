package org.spfgate.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.spfgate.policy.RecipientCheck;
import org.spfgate.policy.RecipientPolicy;

/**
 * Coverage-guided fuzzing of what a client types after {@code MAIL} and {@code RCPT}: the path
 * and parameter parser, the MAIL parameters and the recipient policy behind them. Whatever the
 * bytes, the outcome is a parsed argument or a reply-ready refusal, never another exception, and
 * nothing that reaches a reply or the internal server carries a line break or control character.
 * A normal build replays the committed corpus ({@code CommandArgumentFuzzTestInputs/}); how to
 * fuzz is in docs/fuzzing.md.
 */
class CommandArgumentFuzzTest {

    private static final RecipientPolicy RECIPIENTS = new RecipientPolicy(List.of("ours.test", "example.org"));

    @FuzzTest(maxDuration = "10m")
    void mailAndRcptArgumentsParseOrAreRefusedCleanly(byte[] input) {
        String line = new String(input, StandardCharsets.UTF_8);
        for (String keyword : new String[] {"FROM", "TO"}) {
            CommandArgument argument;
            try {
                argument = CommandArgument.parse(line, keyword);
            } catch (CommandArgument.Malformed refused) {
                assertReplySafe(refused.getMessage());
                continue;
            }
            assertTrue(argument.path().length() <= CommandArgument.MAX_PATH_LENGTH, line);
            assertTrue(argument.path().chars().noneMatch(c -> c < 0x20 || c == 0x7f), line);
            // the path is what the client wrote, byte for byte, between the brackets
            assertTrue(line.contains("<" + argument.path() + ">"), line);
            for (Map.Entry<String, String> parameter : argument.parameters().entrySet()) {
                assertEquals(parameter.getKey().toUpperCase(Locale.ROOT), parameter.getKey(), line);
                assertFalse(parameter.getKey().isEmpty(), line);
            }
            try {
                MailParameters parameters = MailParameters.of(argument.parameters());
                assertTrue(parameters.declaredSize() >= -1, line);
            } catch (MailParameters.Unsupported refused) {
                assertReplySafe(refused.getMessage());
            }
            RecipientCheck check = RECIPIENTS.check(argument.path());
            assertNotNull(check, line);
            if (check instanceof RecipientCheck.Accepted accepted) {
                assertEquals(argument.path(), accepted.recipient().address(), line);
                String domain = accepted.recipient().domain();
                assertTrue(domain.isEmpty() || domain.equals("ours.test") || domain.equals("example.org"), line);
            } else if (check instanceof RecipientCheck.Refused refused) {
                assertReplySafe(refused.reject().toString());
            }
        }
        assertReplySafe(CommandArgument.printable(line));
    }

    /** Reply text goes on one line to the client: no CR, LF or other control character. */
    private static void assertReplySafe(String text) {
        assertNotNull(text);
        assertTrue(text.chars().noneMatch(c -> c < 0x20 || c == 0x7f), () -> "unsafe reply text: " + text);
    }
}
