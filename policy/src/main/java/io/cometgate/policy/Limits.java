package io.cometgate.policy;

import java.time.Duration;

/**
 * Limits the gateway enforces; the defaults follow the security brief.
 *
 * @param maxSessions           sessions in the whole gateway
 * @param maxSessionsPerIp      sessions per client address
 * @param maxSessionsPerOrigin  sessions per Origin
 * @param maxChannelsPerSession open channels in one session
 * @param opensPerIpPerMinute   channel opens per client address per minute
 * @param maxConnectionsPerTarget open backend connections to one target address
 * @param channelIdleTimeout    close a channel after this long without data either way (zero: never)
 * @param channelMaxLifetime    close a channel after this long regardless (zero: never)
 */
public record Limits(int maxSessions, int maxSessionsPerIp, int maxSessionsPerOrigin,
                     int maxChannelsPerSession, int opensPerIpPerMinute, int maxConnectionsPerTarget,
                     Duration channelIdleTimeout, Duration channelMaxLifetime) {

    public static final Limits DEFAULT = new Limits(10_000, 100, 5_000, 32, 120, 1_000,
            Duration.ofMinutes(30), Duration.ZERO);
}
