package io.cometgate.session;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why recently closed sessions ended, so the next request for one hears the reason (4010
 * during a drain, 4006 after a protocol error) rather than "unknown session": a polling client
 * has no receiver attached when its session closes, so the SESSION_CLOSE itself may never
 * reach it. Bounded in count and in time (a client comes back within its session timeout or
 * not at all). Thread-safe: sessions close on every event loop.
 */
final class ClosedSessions {

    private record Entry(SessionEnd end, long expiresNanos) { }

    private final int maxEntries;
    private final long keepNanos;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    ClosedSessions(int maxEntries, long keepNanos) {
        this.maxEntries = maxEntries;
        this.keepNanos = keepNanos;
    }

    synchronized void remember(String id, SessionEnd end) {
        long now = System.nanoTime();
        dropExpired(now);
        entries.put(id, new Entry(end, now + keepNanos));
        if (entries.size() > maxEntries) {
            Iterator<String> oldest = entries.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
    }

    /** How the session ended, or {@code null} if it is unknown or was forgotten. */
    synchronized SessionEnd find(String id) {
        Entry entry = entries.get(id);
        return entry == null || entry.expiresNanos() - System.nanoTime() < 0 ? null : entry.end();
    }

    synchronized int size() {
        return entries.size();
    }

    /** Entries are in insertion order, so the expired ones are at the front. */
    private void dropExpired(long now) {
        Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext() && it.next().getValue().expiresNanos() - now < 0) {
            it.remove();
        }
    }
}
