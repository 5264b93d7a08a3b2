package io.cometgate.relay;

import io.cometgate.policy.Decision;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One instance of each distinct allow decision, for every channel that holds it: a decision
 * and its resolved address (~140 B with the address's holders) are immutable, and thousands
 * of channels to the same backend would otherwise each keep their own. Bounded: at
 * {@link #MAX} entries the table starts over, so targets that resolve to ever new addresses
 * cannot grow it. Called from every event loop.
 */
final class SharedDecisions {

    static final int MAX = 4096;

    private final ConcurrentHashMap<Decision, Decision> shared = new ConcurrentHashMap<>();

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

    int size() {
        return shared.size();
    }
}
