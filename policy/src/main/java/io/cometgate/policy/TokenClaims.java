package io.cometgate.policy;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.text.ParseException;
import java.util.Optional;

/**
 * Who a token names ({@code sub}) and which token it is ({@code jti}), for the audit log, which
 * must never hold the token itself. Read without verifying: the decision next to it says whether
 * the token was accepted, and a forged one is worth recording as such.
 */
record TokenClaims(String subject, String id) {

    static Optional<TokenClaims> of(String token) {
        if (token == null) {
            return Optional.empty();
        }
        try {
            JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();
            if (claims.getSubject() == null && claims.getJWTID() == null) {
                return Optional.empty();
            }
            return Optional.of(new TokenClaims(claims.getSubject(), claims.getJWTID()));
        } catch (ParseException e) {
            return Optional.empty();
        }
    }
}
