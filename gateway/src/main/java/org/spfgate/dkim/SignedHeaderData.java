package org.spfgate.dkim;

import java.security.Signature;
import java.security.SignatureException;
import org.apache.james.jdkim.DKIMCommon;
import org.apache.james.jdkim.api.Headers;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.PermFailException;

/**
 * jDKIM's header hashing (RFC 6376 3.7: the signed fields, bottom-most instance first, then
 * the signature field with an empty {@code b=}, canonicalized per {@code c=}), opened to this
 * package: jDKIM keeps it {@code protected} in {@link DKIMCommon}.
 */
final class SignedHeaderData extends DKIMCommon {

    private SignedHeaderData() {
    }

    static void feed(Headers headers, SignatureRecord signature, Signature into)
            throws SignatureException, PermFailException {
        signatureCheck(headers, signature, signature.getHeaders(), into);
    }
}
