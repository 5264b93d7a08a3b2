package io.cometgate.session;

import io.netty.util.collection.IntObjectHashMap;

import java.util.ArrayList;
import java.util.List;

/**
 * A session's open channels by id. Almost every session has one channel: that one is held in
 * two fields, and a map is made only for the second and later (and dropped when they are gone).
 * Netty's {@link IntObjectHashMap}, even sized for two, was ~190 B per idle session with its
 * key and value arrays and its three eagerly made views (docs/BENCHMARKS.md, S1); this is 24.
 * Runs on the session's loop like the session.
 */
final class ChannelTable {

    private int firstId;
    private SessionChannel first;
    /** Every channel but {@link #first}; {@code null} while there is none. */
    private IntObjectHashMap<SessionChannel> more;

    SessionChannel get(int id) {
        if (first != null && firstId == id) {
            return first;
        }
        return more == null ? null : more.get(id);
    }

    void put(int id, SessionChannel channel) {
        if (first == null || firstId == id) {
            firstId = id;
            first = channel;
            return;
        }
        if (more == null) {
            more = new IntObjectHashMap<>(4);
        }
        more.put(id, channel);
    }

    void remove(int id) {
        if (first != null && firstId == id) {
            first = null;
        } else if (more != null) {
            more.remove(id);
        }
        if (more != null && more.isEmpty()) {
            more = null;
        }
    }

    int size() {
        return (first != null ? 1 : 0) + (more == null ? 0 : more.size());
    }

    boolean isEmpty() {
        return first == null && more == null;
    }

    /** The channels as a copy, so a caller may close (and so remove) them while it goes through them. */
    List<SessionChannel> snapshot() {
        List<SessionChannel> all = new ArrayList<>(size());
        if (first != null) {
            all.add(first);
        }
        if (more != null) {
            all.addAll(more.values());
        }
        return all;
    }

    void clear() {
        first = null;
        more = null;
    }
}
