package io.cometgate.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Short, fixed label values for {@code cometgate_opens_denied_total{reason}}. The relay passes
 * the verdict and the policy's human reason ({@code deny: denied: no rule allows this target});
 * a label should be short, greppable and from a closed set, so unknown text maps to
 * {@code other} rather than growing the series count.
 */
final class DenyReasons {

    private static final Map<String, String> BY_REASON = Map.ofEntries(
            Map.entry("limit: opens per minute", "opens_per_minute"),
            Map.entry("limit: opens per minute across the cluster", "opens_per_minute_cluster"),
            Map.entry("limit: connections per target", "connections_per_target"),
            Map.entry("limit: connections per target across the cluster", "connections_per_target_cluster"),
            Map.entry("denied: malformed target", "bad_target"),
            Map.entry("denied: unknown alias", "unknown_alias"),
            Map.entry("denied: raw host:port targets are disabled (aliases-only)", "aliases_only"),
            Map.entry("denied: host name is always denied", "name_denied"),
            Map.entry("denied: deny rule", "deny_rule"),
            Map.entry("denied: no rule allows this target", "no_rule"),
            Map.entry("denied: origin not allowed for this target", "origin"),
            Map.entry("denied: token required", "token_missing"),
            Map.entry("denied: token invalid", "token_invalid"),
            Map.entry("denied: token expired", "token_expired"),
            Map.entry("denied: token does not cover this target", "token_target"),
            Map.entry("denied: token bound to another origin", "token_origin"),
            Map.entry("denied: internal error", "internal"),
            Map.entry("denied: client certificate required", "client_cert_missing"),
            Map.entry("denied: client certificate not allowed for this target", "client_cert"),
            Map.entry("dns: lookup failed", "dns_failed"),
            Map.entry("dns: lookup timed out", "dns_timeout"),
            Map.entry("dns: no addresses", "dns_empty"));
    private static final String ADDRESS = "denied: address is ";

    private DenyReasons() {
    }

    /**
     * The labels known in advance (address kinds come later, as they occur). Starting them at 0
     * lets {@code rate()} and alerts see the first denial instead of a series appearing from nothing.
     */
    static Set<String> known() {
        Set<String> labels = new TreeSet<>(BY_REASON.values());
        labels.add("internal");
        labels.add("other");
        return labels;
    }

    static String label(String reason) {
        String known = BY_REASON.get(reason);
        if (known != null) {
            return known;
        }
        // "deny: denied: ..." and "dns_failure: dns: ...": the verdict, then the policy's reason.
        int colon = reason.indexOf(": ");
        String rest = colon < 0 ? reason : reason.substring(colon + 2);
        known = BY_REASON.get(rest);
        if (known != null) {
            return known;
        }
        if (rest.startsWith(ADDRESS)) {
            String kind = rest.substring(ADDRESS.length()).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
            return kind.length() <= 24 ? "address_" + kind : "other";
        }
        return rest.startsWith("policy engine error") ? "internal" : "other";
    }
}
