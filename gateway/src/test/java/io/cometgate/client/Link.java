package io.cometgate.client;

import java.io.IOException;

/**
 * One transport as a {@link ClientSession} drives it: a downstream connection at a time, and
 * one upstream batch at a time. The session's two threads call {@link #receive} and
 * {@link #send} in loops and reconnect or resend when they throw.
 */
interface Link {

    /**
     * Creates the session and returns the HELLO JSON, or {@code null} when the first
     * downstream connection creates it (WebSocket).
     */
    String createSession() throws IOException, InterruptedException;

    /**
     * One downstream connection, acknowledging {@code ack}: hands every batch to the session
     * until the gateway ends it (returns) or it breaks (throws).
     */
    void receive(long ack) throws IOException, InterruptedException;

    /** Waits for the next upstream batch and sends it; returns quietly once the session is over. */
    void send() throws IOException, InterruptedException;

    /** Whether every downstream request carries the ack, so no ACK frames are needed upstream. */
    boolean acksByPoll();

    /** Aborts the current connections (the session reconnects); also how the session stops them. */
    void drop();
}
