package io.cometgate.session;

import java.net.InetSocketAddress;

/**
 * Whether a channel (target, Origin, connected address) is allowed: what
 * {@link Session#closeChannelsNoLongerAllowed} asks after a policy reload. Its own file so the
 * session stays one job; the policy decider's {@code stillAllowed} fits it as a method reference.
 */
@FunctionalInterface
public interface ChannelPredicate {
    boolean test(String target, String origin, InetSocketAddress address);
}
