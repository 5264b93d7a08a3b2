package io.cometgate.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Strict parsers for canonical IP literals, written here because every platform parser is
 * lenient in a different way: the JDK reads {@code 0177.0.0.1} as 177.0.0.1, glibc as
 * 127.0.0.1, and both accept {@code 127.1}. Only one spelling of each address is accepted,
 * so a rule and the address it guards can never disagree about what a string means.
 *
 * <p>This is the only IP-literal parser in cometgate: headers, command-line flags, certificate
 * names and policy files all read addresses here. Nothing here touches DNS or
 * {@code InetAddress.getByName}.
 */
public final class IpLiterals {

    private IpLiterals() {
    }

    /**
     * The address written in {@code text}: a canonical IPv4 or an IPv6 literal without brackets
     * or zone; empty for anything else, names included.
     */
    public static Optional<InetAddress> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        byte[] raw = text.indexOf(':') >= 0 ? parseIpv6(text) : parseIpv4(text);
        if (raw == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(raw));
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible); // only thrown for a wrong array length
        }
    }

    /** True if {@code text} is a canonical IPv4 or IPv6 literal. */
    public static boolean isLiteral(String text) {
        return parse(text).isPresent();
    }

    /** Exactly four decimal octets 0-255 without leading zeros, or {@code null}. */
    public static byte[] parseIpv4(String s) {
        if (s == null || s.isEmpty() || s.length() > 15) {
            return null;
        }
        byte[] out = new byte[4];
        int octet = 0;
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == '.') {
                if (octet > 3) {
                    return null;
                }
                int value = decimalOctet(s, start, i);
                if (value < 0) {
                    return null;
                }
                out[octet++] = (byte) value;
                start = i + 1;
            }
        }
        return octet == 4 ? out : null;
    }

    private static int decimalOctet(String s, int from, int to) {
        int len = to - from;
        if (len < 1 || len > 3 || (len > 1 && s.charAt(from) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= 255 ? value : -1;
    }

    /**
     * An IPv6 literal without brackets: hex groups of 1-4 digits, at most one {@code ::},
     * an optional trailing canonical dotted IPv4, never a {@code %zone}. Returns 16 bytes or
     * {@code null}.
     */
    public static byte[] parseIpv6(String s) {
        if (s == null || s.length() < 2 || s.length() > 45) {
            return null;
        }
        byte[] out = new byte[16];
        int doubleColon = -1;
        int pos = 0;
        int i = 0;
        int n = s.length();
        if (s.startsWith("::")) {
            doubleColon = 0;
            i = 2;
            if (n == 2) {
                return out;
            }
        } else if (s.charAt(0) == ':') {
            return null;
        }
        while (i < n) {
            if (pos >= 16) {
                return null;
            }
            int groupEnd = i;
            while (groupEnd < n && s.charAt(groupEnd) != ':') {
                groupEnd++;
            }
            String group = s.substring(i, groupEnd);
            if (group.indexOf('.') >= 0) {
                // An embedded dotted IPv4 is only valid as the last 32 bits.
                byte[] v4 = groupEnd == n ? parseIpv4(group) : null;
                if (v4 == null || pos > 12) {
                    return null;
                }
                System.arraycopy(v4, 0, out, pos, 4);
                pos += 4;
                i = n;
                break;
            }
            int value = hexGroup(group);
            if (value < 0) {
                return null;
            }
            out[pos++] = (byte) (value >> 8);
            out[pos++] = (byte) value;
            if (groupEnd == n) {
                i = n;
                break;
            }
            // groupEnd is a ':'
            if (groupEnd + 1 < n && s.charAt(groupEnd + 1) == ':') {
                if (doubleColon >= 0) {
                    return null;
                }
                doubleColon = pos;
                i = groupEnd + 2;
                if (i == n) {
                    break;
                }
                if (s.charAt(i) == ':') {
                    return null;
                }
            } else {
                i = groupEnd + 1;
                if (i == n) {
                    return null; // trailing single colon
                }
            }
        }
        if (doubleColon < 0) {
            return pos == 16 ? out : null;
        }
        if (pos == 16) {
            return null; // "::" must stand for at least one group
        }
        int tail = pos - doubleColon;
        byte[] shifted = new byte[16];
        System.arraycopy(out, 0, shifted, 0, doubleColon);
        System.arraycopy(out, doubleColon, shifted, 16 - tail, tail);
        return shifted;
    }

    private static int hexGroup(String g) {
        if (g.isEmpty() || g.length() > 4) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < g.length(); i++) {
            int d = Character.digit(g.charAt(i), 16);
            if (d < 0 || g.charAt(i) > 'f') {
                return -1;
            }
            value = value * 16 + d;
        }
        return value;
    }

    /** Canonical text of an address: dotted quad, or RFC 5952 compressed lowercase IPv6. */
    public static String format(byte[] a) {
        if (a.length == 4) {
            return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (word(a, i) != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && word(a, j) == 0) {
                j++;
            }
            if (j - i > bestLen && j - i > 1) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(word(a, i)));
        }
        return sb.toString();
    }

    private static int word(byte[] a, int i) {
        return ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
    }
}
