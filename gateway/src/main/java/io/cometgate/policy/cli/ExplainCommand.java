package io.cometgate.policy.cli;

import io.cometgate.policy.ConnectRequest;
import io.cometgate.policy.HostPort;
import io.cometgate.policy.OwnListeners;
import io.cometgate.policy.Decision;
import io.cometgate.policy.IpLiterals;
import io.cometgate.policy.PolicyException;
import io.cometgate.policy.PolicyTools;
import io.cometgate.policy.Problem;
import io.cometgate.policy.Resolver;
import io.cometgate.policy.StaticResolver;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code cometgate policy explain}: decides one request the way the gateway would and shows
 * the working: verdict, reason, deciding rule, and the classification of every address.
 * Exit 0 when allowed, 1 when denied, 2 when the policy or the arguments are bad.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Show how a policy decides one request. Exit 0 allowed, 1 denied, 2 bad policy/arguments.")
final class ExplainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--policy", required = true, paramLabel = "FILE", description = "the policy file")
    Path policy;

    @Option(names = "--target", required = true, paramLabel = "T", description = "alias or host:port, as a page asks")
    String target;

    @Option(names = "--origin", paramLabel = "O", description = "the page's Origin (default: none sent)")
    String origin;

    @Option(names = "--client-ip", paramLabel = "IP", description = "client address (canonical literal)")
    String clientIp;

    @Option(names = "--token", paramLabel = "JWT", description = "signed token the page would pass")
    String token;

    @Option(names = "--resolve", paramLabel = "NAME=IP[,IP...]",
            description = "answer NAME with these addresses instead of asking DNS (repeatable);"
                    + " with any --resolve, no DNS query is made and other names fail to resolve")
    List<String> resolve;

    @Option(names = "--listen", paramLabel = "IP:PORT",
            description = "an address the gateway listens on, as given to serve's --listen, --tls-listen or"
                    + " --admin-listen (repeatable): a target reaching one is denied as connect-back, as serve does")
    List<String> listen;

    private final Supplier<Resolver> resolvers;

    ExplainCommand() {
        this(null);
    }

    /** For tests: answer names from {@code resolvers} instead of DNS. */
    ExplainCommand(Supplier<Resolver> resolvers) {
        this.resolvers = resolvers;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        InetAddress client = null;
        if (clientIp != null) {
            client = IpLiterals.parse(clientIp).orElse(null);
            if (client == null) {
                err.println("--client-ip: '" + clientIp + "' is not a canonical IP address");
                err.flush();
                return PolicyCommand.BAD_CONFIG;
            }
        }
        List<InetSocketAddress> listeners = new ArrayList<>();
        for (String l : listen == null ? List.<String>of() : listen) {
            try {
                listeners.add(HostPort.literalSocketAddress(l));
            } catch (IllegalArgumentException e) {
                err.println("--listen: " + e.getMessage());
                err.flush();
                return PolicyCommand.BAD_CONFIG;
            }
        }
        Resolver table = null;
        if (resolve != null) {
            try {
                table = StaticResolver.of(resolve);
            } catch (IllegalArgumentException e) {
                err.println("--resolve: " + e.getMessage());
                err.flush();
                return PolicyCommand.BAD_CONFIG;
            }
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (Resolver resolver = table != null ? table
                : resolvers != null ? resolvers.get() : Resolver.dns(PolicyTools.dnsTimeout(policy))) {
            PolicyTools.Explanation e = PolicyTools.explain(policy, new ConnectRequest(target, origin, client, token),
                    resolver, group.next()).get(2, TimeUnit.MINUTES);
            OwnListeners own = OwnListeners.forThisHost();
            listeners.forEach(own::add);
            Decision d = own.guard(e.decision());
            out.println("decision: " + d.verdict());
            out.println("reason:   " + d.reason());
            out.println("rule:     " + (d.rule() == null ? "(default deny)" : d.rule()));
            if (d.allowed()) {
                out.println("connect:  " + d.address().getAddress().getHostAddress() + " port " + d.address().getPort());
                out.println("tls:      " + (d.options().tls() ? "yes, verify name " + d.serverName() : "no"));
            }
            for (String a : e.addresses()) {
                out.println("address:  " + a);
            }
            out.flush();
            return d.allowed() ? PolicyCommand.OK : PolicyCommand.RUNTIME;
        } catch (PolicyException e) {
            for (Problem p : e.problems()) {
                if (p.isError()) {
                    err.println(p.render());
                }
            }
            err.flush();
            return PolicyCommand.BAD_CONFIG;
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
    }
}
