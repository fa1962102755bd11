package org.spfgate.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandArgumentTest {

    @Test
    void pathIsKeptExactlyAsWrittenWithItsParameters() throws Exception {
        CommandArgument a = CommandArgument.parse("FROM:<Alice@Sender.Test> SIZE=1000 BODY=8BITMIME SMTPUTF8", "FROM");
        assertEquals("Alice@Sender.Test", a.path());
        assertEquals(Map.of("SIZE", "1000", "BODY", "8BITMIME", "SMTPUTF8", "null"),
                Map.of("SIZE", a.parameters().get("SIZE"), "BODY", a.parameters().get("BODY"),
                        "SMTPUTF8", String.valueOf(a.parameters().get("SMTPUTF8"))));
    }

    @Test
    void quotedLocalPartsMayHoldSpacesAndAngleBrackets() throws Exception {
        assertEquals("\"john > doe\"@ours.test", CommandArgument.parse("TO:<\"john > doe\"@ours.test>", "TO").path());
        assertEquals("\"a\\\"b\"@ours.test", CommandArgument.parse("TO:<\"a\\\"b\"@ours.test>", "TO").path());
    }

    @Test
    void aSpaceAfterTheColonIsTolerated() throws Exception {
        assertEquals("bob@ours.test", CommandArgument.parse("to: <bob@ours.test>", "TO").path());
    }

    @Test
    void theNullReversePathIsEmpty() throws Exception {
        assertEquals("", CommandArgument.parse("FROM:<>", "FROM").path());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "TO:bob@ours.test | Syntax: address must be in angle brackets",
        "TO:<bob@ours.test | Syntax: address not closed with '>'",
        "TO:<bob @ours.test> | Syntax: unexpected ' ' in address",
        "TO:<<bob@ours.test>> | Syntax: unexpected '<' in address",
        "TO:<bob@ours.test>NOTIFY=NEVER | Syntax: space expected after address",
        "FROM:<bob@ours.test> | Syntax: RCPT TO:<address>",
        "TO:<bob@ours.test> X=1=2 é | Syntax: bad parameter \"?\"",
    })
    void malformedArgumentsAreRefusedWithAReason(String text, String reason) {
        CommandArgument.Malformed e = assertThrows(CommandArgument.Malformed.class,
                () -> CommandArgument.parse(text, "TO"));
        assertEquals(reason, e.getMessage());
    }

    @Test
    void controlCharactersAndOverlongPathsAreRefused() {
        assertEquals("Control character in address", assertThrows(CommandArgument.Malformed.class,
                () -> CommandArgument.parse("TO:<bo\u0000b@ours.test>", "TO")).getMessage());
        assertEquals("Address too long", assertThrows(CommandArgument.Malformed.class,
                () -> CommandArgument.parse("TO:<" + "b".repeat(250) + "@ours.test>", "TO")).getMessage());
    }

    @Test
    void mailParametersWeOfferAreReadAndOthersRefused() throws Exception {
        assertEquals(new MailParameters(1234, true, true),
                MailParameters.of(CommandArgument.parse("FROM:<a@b.test> size=1234 body=8bitmime smtputf8", "FROM")
                        .parameters()));
        assertEquals(new MailParameters(-1, false, false),
                MailParameters.of(CommandArgument.parse("FROM:<a@b.test> BODY=7BIT", "FROM").parameters()));
        assertEquals("BODY=BINARYMIME not supported", assertThrows(MailParameters.Unsupported.class,
                () -> MailParameters.of(CommandArgument.parse("FROM:<a@b.test> BODY=BINARYMIME", "FROM")
                        .parameters())).getMessage());
        assertEquals("SIZE needs a number", assertThrows(MailParameters.Unsupported.class,
                () -> MailParameters.of(CommandArgument.parse("FROM:<a@b.test> SIZE=big", "FROM")
                        .parameters())).getMessage());
    }
}
