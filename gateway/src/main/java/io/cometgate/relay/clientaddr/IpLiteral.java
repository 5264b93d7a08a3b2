package io.cometgate.relay.clientaddr;

import io.cometgate.policy.IpLiterals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Strict IP literal parsing: the only way text from a header or a command line becomes an address here.
 *
 * <p>Address parsers disagree on odd notations ({@code 0177.0.0.1} is 177.0.0.1 to the JDK and 127.0.0.1
 * to glibc), so anything but the canonical forms is refused: IPv4 is exactly four decimal octets 0-255
 * without leading zeros; IPv6 is hex groups with at most one {@code ::}, an optional dotted IPv4 tail,
 * no brackets and no {@code %zone}. Never resolves a name.
 */
public final class IpLiteral {

    private IpLiteral() {
    }

    /** The address written in {@code text}, or empty if it is not a canonical IP literal. */
    public static Optional<InetAddress> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return Optional.empty();
        }
        byte[] bytes = text.indexOf(':') >= 0 ? parseV6(text) : parseV4(text);
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(bytes));
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible); // only thrown for a wrong array length
        }
    }

    /** True if {@code text} is a canonical IPv4 or IPv6 literal. */
    public static boolean isLiteral(String text) {
        return parse(text).isPresent();
    }

    /** One strict parser for the whole gateway: the policy engine's, so both read addresses alike. */
    static byte[] parseV4(String text) {
        return IpLiterals.parseIpv4(text);
    }

    static byte[] parseV6(String text) {
        return IpLiterals.parseIpv6(text);
    }
}
