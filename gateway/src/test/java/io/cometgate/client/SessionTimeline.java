package io.cometgate.client;

import java.util.ArrayList;
import java.util.List;

/**
 * What a session's transports went through, with times, so a stall in the chaos run can be
 * split into its phases: the cut, the client noticing (a deadline or the link ending), the new
 * transport being attempted, its HELLO answering the resume, then the first byte (which the
 * traffic's own clock sees). Bounded: past {@link #MAX_EVENTS} events only the count grows.
 */
final class SessionTimeline {

    /** One thing that happened to the session's transport at {@code nanos} ({@link System#nanoTime()}). */
    record Event(long nanos, String what) {
    }

    static final int MAX_EVENTS = 50_000;

    private final List<Event> events = new ArrayList<>();
    private long dropped;

    synchronized void add(String what) {
        if (events.size() < MAX_EVENTS) {
            events.add(new Event(System.nanoTime(), what));
        } else {
            dropped++;
        }
    }

    /** The events from {@code fromNanos} to {@code toNanos}, in order. */
    synchronized List<Event> between(long fromNanos, long toNanos) {
        List<Event> found = new ArrayList<>();
        for (Event event : events) {
            if (event.nanos() >= fromNanos && event.nanos() <= toNanos) {
                found.add(event);
            }
        }
        return found;
    }

    synchronized long dropped() {
        return dropped;
    }
}
