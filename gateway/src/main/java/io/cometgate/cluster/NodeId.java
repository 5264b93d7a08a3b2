package io.cometgate.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * This gateway node's name in a cluster. It rides in every session id (after a dot), so a load
 * balancer routes each session's requests to its node with nothing but its own configuration
 * (docs/SCALING.md). Short and URL-, header- and config-safe by construction: {@code [a-z0-9-]}.
 */
public record NodeId(String value) {

    public static final int MAX_LENGTH = 24;
    static final Pattern VALID = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0," + (MAX_LENGTH - 2) + "}[a-z0-9])?");

    public NodeId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException("--node-id must be 1-" + MAX_LENGTH
                    + " characters of a-z, 0-9 and '-', starting and ending with a letter or digit (got '" + value + "')");
        }
    }

    /** The default: this machine's host name, lower-cased, other characters turned into '-', cut to fit. */
    public static NodeId fromHostName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = System.getenv().getOrDefault("HOSTNAME", "node");
        }
        return fromHostName(host);
    }

    static NodeId fromHostName(String host) {
        String label = host.toLowerCase(Locale.ROOT);
        int dot = label.indexOf('.');
        if (dot > 0) {
            label = label.substring(0, dot); // the short name: domains add length, not distinction
        }
        label = label.replaceAll("[^a-z0-9-]", "-");
        if (label.length() > MAX_LENGTH) {
            label = label.substring(0, MAX_LENGTH);
        }
        label = label.replaceAll("^-+|-+$", "");
        return new NodeId(label.isEmpty() ? "node" : label);
    }

    @Override
    public String toString() {
        return value;
    }
}
