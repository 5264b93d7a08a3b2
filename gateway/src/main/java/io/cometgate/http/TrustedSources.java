package io.cometgate.http;

import io.cometgate.policy.Cidr;

import java.net.InetAddress;
import java.util.List;

/**
 * The {@code --proxy-protocol-from} blocks: the balancers allowed (and required) to send a
 * PROXY protocol header. Parsed by the policy engine's CIDR parser, so the flag and the
 * policy's {@code trusted-proxy} read addresses the same way.
 */
public final class TrustedSources {

    private final List<Cidr> blocks;

    private TrustedSources(List<Cidr> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    /** Parses {@code 10.0.0.0/8,127.0.0.1}; throws with the bad entry named. */
    public static TrustedSources parse(List<String> entries) {
        return new TrustedSources(entries.stream().map(String::trim).map(entry -> {
            try {
                return Cidr.parse(entry);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--proxy-protocol-from: " + e.getMessage());
            }
        }).toList());
    }

    boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return blocks.stream().anyMatch(block -> block.contains(bytes));
    }
}
