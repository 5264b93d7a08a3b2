package io.cometgate.testing;

/**
 * The ways {@link FaultProxy} breaks a connection, as real networks and middleboxes do.
 * {@link #RST} and {@link #FIN} end it loudly, {@link #HALF_CLOSE} ends one direction only,
 * {@link #BLACKHOLE} ends nothing: bytes just stop flowing, and only a deadline reveals it.
 */
public enum NetworkFault {
    /** Both sides get a reset (SO_LINGER 0), as from a crashed NAT or a firewall's reject. */
    RST,
    /** Both sides get a clean end of stream, as when a proxy closes an idle connection. */
    FIN,
    /** One direction gets an end of stream, the other keeps flowing until a peer closes it. */
    HALF_CLOSE,
    /** Both sockets stay open and nothing is forwarded either way: no RST, no FIN, no error. */
    BLACKHOLE
}
