package io.cometgate.policy;

import java.util.List;

/**
 * One validated {@code allow}, {@code deny} or {@code alias} line.
 *
 * @param alias   the alias name for ALIAS rules, else {@code null}
 * @param host    what the rule matches (for aliases: the backend, an exact name or a single address)
 * @param ports   ports covered (for aliases: exactly one)
 * @param options per-rule options (empty for deny)
 * @param where   {@code file:line}, reported in every decision the rule makes
 */
record Rule(Kind kind, String alias, HostPattern host, PortSet ports, Options options, String where) {

    enum Kind { ALLOW, DENY, ALIAS }

    /**
     * @param origins        per-rule Origin allowlist; empty means "the global list"
     * @param serverName     name to verify backend TLS against when the target is an address
     */
    /** @param clientCerts {@code client-cert=}: common names allowed, {@code *} for any; empty: no condition */
    record Options(List<String> origins, boolean token, boolean allowPrivate, boolean allowLoopback,
                   boolean allowLinkLocal, boolean allowMetadata, String serverName, TargetOptions target,
                   List<String> clientCerts) {

        static final Options NONE = new Options(List.of(), false, false, false, false, false, null,
                TargetOptions.DEFAULT, List.of());

        /** Whether this rule may reach an address of this kind. */
        boolean permits(AddressKind kind, boolean wildcard) {
            return switch (kind) {
                case PUBLIC -> true;
                case PRIVATE -> !wildcard || allowPrivate;
                case LOOPBACK -> allowLoopback;
                case LINK_LOCAL -> allowLinkLocal;
                case METADATA -> allowMetadata;
                case UNSPECIFIED, RESERVED, TUNNEL, GATEWAY_SELF -> false;
            };
        }
    }
}
