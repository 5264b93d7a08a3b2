package io.cometgate.policy;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** What the {@code cometgate policy} commands need, without exposing the model classes. */
public final class PolicyTools {

    private PolicyTools() {
    }

    /** Every error and warning in {@code file}, in file order; no errors means it would load. */
    public static List<Problem> check(Path file) {
        return PolicyParser.check(file).problems();
    }

    /**
     * One decision with its working shown.
     *
     * @param addresses how each resolved address was classified, e.g. {@code 10.0.0.5 is private (10.0.0.0/8 RFC 1918)}
     */
    public record Explanation(Decision decision, List<String> addresses) {
    }

    /** Loads {@code policy} and decides {@code request}; fails only if the file is invalid. */
    public static Future<Explanation> explain(Path policy, ConnectRequest request, Resolver resolver, EventLoop loop)
            throws PolicyException {
        PolicyEngine engine = new PolicyEngine(PolicyParser.load(policy), resolver, AddressClassifier.forThisHost(),
                Clock.systemUTC());
        io.netty.util.concurrent.Promise<Explanation> out = loop.newPromise();
        engine.evaluate(request, loop).addListener(f -> {
            PolicyEngine.Outcome o = (PolicyEngine.Outcome) f.getNow();
            out.setSuccess(new Explanation(o.decision(),
                    o.addresses().stream().map(AddressClassifier.Classification::toString).toList()));
        });
        return out;
    }

    /** The DNS timeout the file asks for (default 5 s), so tools use the same as the gateway. */
    public static java.time.Duration dnsTimeout(Path policy) throws PolicyException {
        return PolicyParser.load(policy).dnsTimeout();
    }
}
