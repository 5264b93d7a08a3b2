package io.cometgate.policy;

import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Set;

/** Test helpers: build engines from inline policy text and decide synchronously. */
final class Policies {

    static final String HEADER = "cometgate-policy 1\nhost gw.example.com\norigin https://app.example.com\n";

    private Policies() {
    }

    static PolicyParser.Result parse(String text) {
        return PolicyParser.parse("test.policy", Path.of("test.policy").toAbsolutePath(), text);
    }

    static Policy policy(String text) {
        PolicyParser.Result r = parse(text);
        if (r.policy() == null) {
            throw new AssertionError("policy did not parse: " + r.problems());
        }
        return r.policy();
    }

    static PolicyEngine engine(String text, Resolver resolver) {
        return new PolicyEngine(policy(text), resolver, new AddressClassifier(Set.of("198.51.100.7", "93.184.216.99")),
                Clock.systemUTC());
    }

    /** Decides on an embedded loop, where promises complete inline. */
    static PolicyEngine.Outcome outcome(PolicyEngine engine, String target, String origin, String token) {
        EmbeddedChannel ch = new EmbeddedChannel();
        try {
            EventLoop loop = ch.eventLoop();
            var f = engine.evaluate(new ConnectRequest(target, origin, InetAddress.getLoopbackAddress(), token), loop);
            ch.runPendingTasks();
            if (!f.isDone()) {
                throw new AssertionError("decision did not complete");
            }
            return f.getNow();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    static Decision decide(PolicyEngine engine, String target, String origin) {
        return outcome(engine, target, origin, null).decision();
    }
}
