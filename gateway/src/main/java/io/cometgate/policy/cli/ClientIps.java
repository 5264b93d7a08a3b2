package io.cometgate.policy.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Parses {@code --client-ip} strictly, without ever letting {@code InetAddress} look up a name. */
final class ClientIps {

    private static final Pattern V4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern V6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");

    private ClientIps() {
    }

    static InetAddress parse(String s) {
        // Only digit/hex/colon text reaches getByName, which then parses a literal and never resolves.
        if (!V4.matcher(s).matches() && !(s.contains(":") && V6.matcher(s).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
