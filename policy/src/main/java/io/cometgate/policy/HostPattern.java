package io.cometgate.policy;

/**
 * The host half of a rule: an exact name, a {@code *.domain} wildcard (subdomains only,
 * never the apex), or an address block (a single literal is a /32 or /128).
 */
sealed interface HostPattern {

    /** Whether a page-supplied, normalised host name matches. Blocks never match names. */
    boolean matchesName(String name);

    /** Whether a canonical address (4 or 16 bytes) matches. Names never match addresses. */
    boolean matchesAddress(byte[] address);

    /** Whether this pattern is a wildcard (private ranges then need allow-private). */
    default boolean isWildcard() {
        return false;
    }

    record Exact(String name) implements HostPattern {
        public boolean matchesName(String n) {
            return name.equals(n);
        }

        public boolean matchesAddress(byte[] address) {
            return false;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** {@code suffix} is the domain without the leading {@code *.}. */
    record Wildcard(String suffix) implements HostPattern {
        public boolean matchesName(String n) {
            return n.length() > suffix.length() + 1 && n.endsWith("." + suffix);
        }

        public boolean matchesAddress(byte[] address) {
            return false;
        }

        @Override
        public boolean isWildcard() {
            return true;
        }

        @Override
        public String toString() {
            return "*." + suffix;
        }
    }

    record Block(Cidr cidr) implements HostPattern {
        public boolean matchesName(String n) {
            return false;
        }

        public boolean matchesAddress(byte[] address) {
            return cidr.contains(address);
        }

        @Override
        public String toString() {
            boolean single = cidr.prefix() == cidr.network().length * 8;
            String text = single ? IpLiterals.format(cidr.network()) : cidr.toString();
            return cidr.isIpv6() ? "[" + text + "]" : text;
        }
    }
}
