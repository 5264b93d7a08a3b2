package io.cometgate.policy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.List;

/**
 * Checks tokens minted by the application's server: a JWT signed with HS256 (only), with
 * {@code exp} (required), {@code targets} (the alias names or {@code host:port} strings it
 * opens) and an optional {@code origin} it is bound to. Nimbus does the parsing and the
 * constant-time MAC check; this class only applies the policy's meaning to the claims.
 */
final class TokenVerifier {

    static final int MAX_TOKEN = 4096;

    private final MACVerifier verifier;
    private final Clock clock;

    TokenVerifier(byte[] key, Clock clock) {
        try {
            this.verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable token key: " + e.getMessage(), e);
        }
        this.clock = clock;
    }

    /** {@code null} when the token opens {@code target} for {@code origin}, else the reason. */
    String check(String token, String target, String origin) {
        if (token == null || token.isEmpty()) {
            return Reasons.TOKEN_MISSING;
        }
        if (token.length() > MAX_TOKEN) {
            return Reasons.TOKEN_INVALID;
        }
        JWTClaimsSet claims;
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                return Reasons.TOKEN_INVALID;
            }
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Reasons.TOKEN_INVALID;
        }
        Date now = Date.from(clock.instant());
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            return Reasons.TOKEN_INVALID;
        }
        if (!now.before(exp) || (claims.getNotBeforeTime() != null && now.before(claims.getNotBeforeTime()))) {
            return Reasons.TOKEN_EXPIRED;
        }
        try {
            List<String> targets = claims.getStringListClaim("targets");
            if (targets == null || !targets.contains(target)) {
                return Reasons.TOKEN_TARGET;
            }
            String bound = claims.getStringClaim("origin");
            if (bound != null && (origin == null || !bound.equalsIgnoreCase(origin))) {
                return Reasons.TOKEN_ORIGIN;
            }
        } catch (ParseException e) {
            return Reasons.TOKEN_INVALID;
        }
        return null;
    }
}
