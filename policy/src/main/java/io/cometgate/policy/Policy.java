package io.cometgate.policy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A validated, immutable policy file: the middle layer between the text and decisions.
 * Built only by {@link PolicyParser}; everything here has already been checked.
 *
 * @param hosts       allowed Host header values, lowercase
 * @param origins     the global Origin allowlist ({@code null} and {@code none} are literal entries)
 * @param tokenKey    HMAC key for signed tokens, or {@code null}
 * @param warnings    risky but valid choices, for {@code policy check} and the startup log
 */
record Policy(Path file, Set<String> hosts, Set<String> origins, List<Rule> denies, List<Rule> allows,
              Map<String, Rule> aliases, Limits limits, List<Cidr> trustedProxies, byte[] tokenKey,
              boolean aliasesOnly, boolean closeDisallowedOnReload, Duration dnsTimeout,
              List<Problem> warnings) {

    static final Duration DEFAULT_DNS_TIMEOUT = Duration.ofSeconds(5);

    /** The literal origin entry that stands for "no Origin header at all". */
    static final String NO_ORIGIN = "none";

    /** Lowercased lookup key for an Origin header value ({@code null} = header absent). */
    static String originKey(String origin) {
        return origin == null ? NO_ORIGIN : origin.toLowerCase(Locale.ROOT);
    }
}
