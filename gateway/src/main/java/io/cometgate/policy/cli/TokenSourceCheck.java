package io.cometgate.policy.cli;

import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.Decision;
import io.cometgate.policy.PolicyException;
import io.cometgate.policy.PolicyTools;
import io.cometgate.policy.Resolver;
import io.cometgate.tokenfiles.TokenFiles;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Decides every entry of websockify token files against one policy, as the gateway would when
 * a page connects with that token: each refusal (and each unreadable line) becomes one
 * {@code tokenfile:line: message} error. Names are resolved (the policy classifies addresses).
 */
final class TokenSourceCheck {

    private final Path policy;
    private final String origin;
    private final Supplier<Resolver> resolvers;

    TokenSourceCheck(Path policy, String origin, Supplier<Resolver> resolvers) {
        this.policy = policy;
        this.origin = origin;
        this.resolvers = resolvers;
    }

    List<String> refusals(Path tokenSource) {
        TokenFiles.Table table;
        try {
            table = TokenFiles.read(tokenSource);
        } catch (IOException e) {
            return List.of(tokenSource + ":1: cannot read token source: " + e.getMessage());
        }
        List<String> refusals = new ArrayList<>(table.problems());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (Resolver resolver = resolvers != null ? resolvers.get() : Resolver.dns(PolicyTools.dnsTimeout(policy))) {
            for (TokenFiles.Entry entry : table.entries().values().stream()
                    .sorted(java.util.Comparator.comparing(TokenFiles.Entry::where)).toList()) {
                Decision d = PolicyTools.explain(policy, new ConnectRequest(entry.target(), origin, null, null),
                        resolver, group.next()).get(2, TimeUnit.MINUTES).decision();
                if (!d.allowed()) {
                    refusals.add(entry.where() + ": token '" + entry.token() + "' -> " + entry.target()
                            + " is refused by " + policy + ": " + d.reason()
                            + (d.rule() == null ? " (no rule allows it)" : " (" + d.rule() + ")"));
                }
            }
        } catch (PolicyException e) {
            refusals.add(policy + ": cannot load the policy to check the tokens against");
        } catch (Exception e) {
            refusals.add(tokenSource + ":1: checking the tokens failed: " + e);
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
        return refusals;
    }
}
