package io.cometgate.policy;

import java.util.Arrays;

/**
 * An address block: network bytes (4 or 16) and a prefix length. Built only from canonical
 * literals, with no host bits set, so {@code 10.0.0.1/8} is an error instead of a surprise.
 */
public record Cidr(byte[] network, int prefix) {

    /** Parses {@code a.b.c.d/n}, {@code v6/n} or a bare literal (a /32 or /128). */
    public static Cidr parse(String text) throws IllegalArgumentException {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = addr.indexOf(':') >= 0 ? IpLiterals.parseIpv6(addr) : IpLiterals.parseIpv4(addr);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + addr + "' is not a canonical IP address"
                    + " (IPv4: four decimal octets without leading zeros; IPv6: no zone)");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            if (!p.matches("[0-9]{1,3}") || (p.length() > 1 && p.charAt(0) == '0')
                    || Integer.parseInt(p) > max) {
                throw new IllegalArgumentException("bad prefix length '/" + p + "' (0-" + max + ")");
            }
            prefix = Integer.parseInt(p);
        }
        Cidr c = new Cidr(bytes, prefix);
        byte[] masked = c.mask(bytes);
        if (!Arrays.equals(masked, bytes)) {
            throw new IllegalArgumentException("host bits set in '" + text + "' (did you mean '"
                    + IpLiterals.format(masked) + "/" + prefix + "'?)");
        }
        return c;
    }

    /** For the constant tables: the caller guarantees the text is valid. */
    static Cidr of(String text) {
        return parse(text);
    }

    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        return Arrays.equals(mask(address), network);
    }

    boolean isIpv6() {
        return network.length == 16;
    }

    private byte[] mask(byte[] address) {
        byte[] out = address.clone();
        for (int bit = prefix; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }

    @Override
    public String toString() {
        return IpLiterals.format(network) + "/" + prefix;
    }
}
