package io.cometgate.policy;

import java.net.IDN;
import java.util.Locale;

/**
 * Normalises host names from policy files and from pages: one spelling per name, so rule
 * matching is plain string comparison. Anything that looks numeric must be a canonical IP
 * literal instead (handled by the caller); here it is an error.
 */
final class HostNames {

    static final int MAX_NAME = 253;
    static final int MAX_LABEL = 63;

    private HostNames() {
    }

    /** The normalised name, or an {@link IllegalArgumentException} saying what is wrong. */
    static String normalize(String raw) {
        if (raw.isEmpty()) {
            throw new IllegalArgumentException("empty host name");
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("host name contains whitespace or a control character");
            }
        }
        String s = raw.toLowerCase(Locale.ROOT);
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        if (!s.chars().allMatch(c -> c < 128)) {
            try {
                s = IDN.toASCII(s, 0).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("host name is not valid IDNA: " + e.getMessage());
            }
        }
        if (s.isEmpty() || s.length() > MAX_NAME) {
            throw new IllegalArgumentException("host name must be 1-" + MAX_NAME + " characters");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
                throw new IllegalArgumentException("host name may only contain a-z, 0-9, '.' and '-' (found '"
                        + c + "')");
            }
        }
        String[] labels = s.split("\\.", -1);
        for (String label : labels) {
            if (label.isEmpty() || label.length() > MAX_LABEL) {
                throw new IllegalArgumentException("host name labels must be 1-" + MAX_LABEL + " characters");
            }
            if (label.startsWith("-") || label.endsWith("-")) {
                throw new IllegalArgumentException("host name label '" + label + "' starts or ends with '-'");
            }
        }
        if (looksNumeric(labels[labels.length - 1])) {
            throw new IllegalArgumentException("'" + raw + "' is not a canonical IP address"
                    + " (IPv4: four decimal octets 0-255 without leading zeros, e.g. 127.0.0.1)");
        }
        return s;
    }

    /** A last label of digits or 0x-hex makes resolvers treat the whole name as an IPv4 number. */
    static boolean looksNumeric(String label) {
        return label.matches("[0-9]+") || label.matches("0x[0-9a-f]*");
    }

    /** Names that reach the gateway host or a metadata service whatever the DNS says. */
    static boolean alwaysDenied(String name) {
        return name.equals("localhost") || name.endsWith(".localhost")
                || name.equals("metadata.google.internal");
    }
}
