package io.cometgate.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Ports a rule covers: single ports, lists and inclusive ranges, e.g. {@code 80,443,8000-8100}. */
record PortSet(List<int[]> ranges) {

    static final PortSet ALL = new PortSet(List.of(new int[] {1, 65535}));

    /** Parses the list or throws with a message naming the bad piece. */
    static PortSet parse(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("missing port after ':'");
        }
        List<int[]> out = new ArrayList<>();
        for (String piece : text.split(",", -1)) {
            int dash = piece.indexOf('-');
            int lo = port(dash < 0 ? piece : piece.substring(0, dash));
            int hi = dash < 0 ? lo : port(piece.substring(dash + 1));
            if (hi < lo) {
                throw new IllegalArgumentException("port range '" + piece + "' runs backwards (did you mean '"
                        + hi + "-" + lo + "'?)");
            }
            out.add(new int[] {lo, hi});
        }
        return new PortSet(List.copyOf(out));
    }

    /** One decimal port 1-65535 without sign or leading zeros. */
    static int port(String s) {
        return HostPort.port(s, 1);
    }

    boolean contains(int port) {
        for (int[] r : ranges) {
            if (port >= r[0] && port <= r[1]) {
                return true;
            }
        }
        return false;
    }

    boolean isSingle() {
        return ranges.size() == 1 && ranges.get(0)[0] == ranges.get(0)[1];
    }

    int first() {
        return ranges.get(0)[0];
    }

    @Override
    public String toString() {
        return ranges.stream().map(r -> r[0] == r[1] ? Integer.toString(r[0]) : r[0] + "-" + r[1])
                .collect(Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PortSet p && p.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
