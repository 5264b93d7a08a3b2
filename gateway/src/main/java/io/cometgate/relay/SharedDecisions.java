package io.cometgate.relay;

import io.cometgate.policy.Decision;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One instance of each distinct allow decision, for every channel that holds it: a decision
 * and its resolved address (~140 B with the address's holders) are immutable, and thousands
 * of channels to the same backend would otherwise each keep their own. The same for the target
 * text the page asked for (each OPEN parses a new String, ~56 B a channel keeps for its life).
 * Bounded: at {@link #MAX} entries a table starts over, so targets that resolve to ever new
 * addresses cannot grow it. Called from every event loop.
 */
final class SharedDecisions {

    static final int MAX = 4096;

    private final ConcurrentHashMap<Decision, Decision> shared = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> targets = new ConcurrentHashMap<>();

    /** The shared instance equal to {@code decision} (record equality: every field), or itself. */
    Decision share(Decision decision) {
        if (!decision.allowed()) {
            return decision; // a denied channel ends at once: nothing to keep
        }
        Decision known = shared.get(decision);
        if (known != null) {
            return known;
        }
        if (shared.size() >= MAX) {
            shared.clear();
        }
        known = shared.putIfAbsent(decision, decision);
        return known != null ? known : decision;
    }

    /** The shared String equal to {@code target}, or itself; call it for allowed channels only (a denied one ends at once). */
    String shareTarget(String target) {
        String known = targets.get(target);
        if (known != null) {
            return known;
        }
        if (targets.size() >= MAX) {
            targets.clear();
        }
        known = targets.putIfAbsent(target, target);
        return known != null ? known : target;
    }

    int size() {
        return shared.size();
    }
}
