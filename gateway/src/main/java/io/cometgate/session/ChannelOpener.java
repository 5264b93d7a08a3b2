package io.cometgate.session;

/**
 * How a session gets a channel toward a backend: it asks, registers what it gets, then calls
 * {@link SessionChannel#open}. The relay implements this, so the session never knows what a
 * backend is and a test can hand it a fake.
 */
@FunctionalInterface
public interface ChannelOpener {

    SessionChannel create(ChannelOwner owner, int channelId, String target);
}
