package io.cometgate.policy;

/**
 * What an address is, for the purpose of deciding whether the gateway may connect to it.
 * The order of checks lives in {@link AddressClassifier}; what each kind needs lives here.
 */
enum AddressKind {
    /** Ordinary internet address: any matching rule may reach it. */
    PUBLIC("public"),
    /** RFC 1918, CGNAT, ULA: exact names, CIDRs and aliases may reach it; wildcards need allow-private. */
    PRIVATE("private"),
    /** 127/8, ::1: needs allow-loopback. */
    LOOPBACK("loopback"),
    /** 169.254/16, fe80::/10: needs allow-link-local. */
    LINK_LOCAL("link-local"),
    /** Cloud metadata services: needs allow-metadata. */
    METADATA("metadata"),
    /** 0.0.0.0/8, ::: reaches loopback on Linux; never allowed. */
    UNSPECIFIED("unspecified"),
    /** Documentation, benchmarking, multicast, reserved, site-local: never allowed. */
    RESERVED("reserved"),
    /** IPv4-compatible, NAT64, 6to4, Teredo: the real destination is hidden; never allowed. */
    TUNNEL("embedded-ipv4-tunnel"),
    /** One of the gateway's own interface addresses (not loopback): never allowed. */
    GATEWAY_SELF("gateway-own-address");

    private final String label;

    AddressKind(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /** Kinds no rule option can unlock. */
    boolean alwaysDenied() {
        return this == UNSPECIFIED || this == RESERVED || this == TUNNEL || this == GATEWAY_SELF;
    }
}
