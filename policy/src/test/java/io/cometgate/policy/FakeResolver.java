package io.cometgate.policy;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A resolver that answers from a table, without DNS. Each name has a queue of answers so a
 * test can play a rebinding server (public first, loopback next); it counts every lookup.
 */
final class FakeResolver implements Resolver {

    private final Map<String, Deque<List<InetAddress>>> answers = new HashMap<>();
    final List<String> lookups = new ArrayList<>();

    /** Adds one answer (a list of canonical literals) for {@code name}; an empty list = NXDOMAIN. */
    FakeResolver answer(String name, String... addresses) {
        List<InetAddress> list = new ArrayList<>();
        for (String a : addresses) {
            byte[] raw = a.contains(":") ? IpLiterals.parseIpv6(a) : IpLiterals.parseIpv4(a);
            try {
                list.add(InetAddress.getByAddress(raw));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(a, e);
            }
        }
        answers.computeIfAbsent(name, k -> new ArrayDeque<>()).add(list);
        return this;
    }

    @Override
    public Future<List<InetAddress>> resolve(String host, EventLoop loop) {
        lookups.add(host);
        Deque<List<InetAddress>> q = answers.get(host);
        if (q == null || q.isEmpty() || q.peek().isEmpty()) {
            if (q != null && !q.isEmpty()) {
                q.poll();
            }
            return loop.newFailedFuture(new UnknownHostException(host));
        }
        List<InetAddress> next = q.size() > 1 ? q.poll() : q.peek();
        return loop.newSucceededFuture(next);
    }
}
