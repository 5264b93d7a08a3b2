package io.cometgate.policy;

/**
 * The fixed reason strings every {@link Decision} carries. They are part of the interface:
 * audit logs, dashboards and tests match on them, so change them only with the README.
 */
final class Reasons {

    static final String ALLOWED_ALIAS = "allowed: alias";
    static final String ALLOWED_RULE = "allowed: rule";
    static final String BAD_TARGET = "denied: malformed target";
    static final String UNKNOWN_ALIAS = "denied: unknown alias";
    static final String ALIASES_ONLY = "denied: raw host:port targets are disabled (aliases-only)";
    static final String NAME_ALWAYS_DENIED = "denied: host name is always denied";
    static final String DENY_RULE = "denied: deny rule";
    static final String NO_RULE = "denied: no rule allows this target";
    static final String ORIGIN = "denied: origin not allowed for this target";
    static final String TOKEN_MISSING = "denied: token required";
    static final String TOKEN_INVALID = "denied: token invalid";
    static final String TOKEN_EXPIRED = "denied: token expired";
    static final String TOKEN_TARGET = "denied: token does not cover this target";
    static final String TOKEN_ORIGIN = "denied: token bound to another origin";
    static final String CLIENT_CERT_MISSING = "denied: client certificate required";
    static final String CLIENT_CERT = "denied: client certificate not allowed for this target";
    static final String ADDRESS_PREFIX = "denied: address is ";
    static final String DNS_FAILED = "dns: lookup failed";
    static final String DNS_TIMEOUT = "dns: lookup timed out";
    static final String DNS_EMPTY = "dns: no addresses";
    static final String INTERNAL = "denied: internal error";

    private Reasons() {
    }

    /** {@code denied: address is loopback} and friends: one fixed string per {@link AddressKind}. */
    static String address(AddressKind kind) {
        return ADDRESS_PREFIX + kind.label();
    }
}
