package io.cometgate.policy;

import java.net.InetSocketAddress;

/**
 * The policy's answer to one {@link ConnectRequest}.
 *
 * @param verdict    allow, or why not
 * @param reason     a fixed, human-readable reason string (stable: tests and audit logs use it)
 * @param rule       the rule that decided, as {@code file:line}, or {@code null} for the default deny
 * @param address    for ALLOW: the exact, already checked address to connect to (resolved)
 * @param serverName for ALLOW: the target's host name (SNI and certificate checks), or {@code null}
 * @param options    for ALLOW: per-target connection options
 */
public record Decision(Verdict verdict, String reason, String rule, InetSocketAddress address,
                       String serverName, TargetOptions options) {

    public enum Verdict { ALLOW, DENY, DNS_FAILURE, LIMIT }

    public boolean allowed() {
        return verdict == Verdict.ALLOW;
    }

    public static Decision allow(String reason, String rule, InetSocketAddress address,
                                 String serverName, TargetOptions options) {
        return new Decision(Verdict.ALLOW, reason, rule, address, serverName, options);
    }

    public static Decision deny(Verdict verdict, String reason, String rule) {
        return new Decision(verdict, reason, rule, null, null, null);
    }
}
