package io.cometgate.policy;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Decides channel opens for one immutable {@link Policy}: match the rules, check Origin and
 * token, resolve once, classify every answer, and hand back the exact checked address.
 * Deny rules win over everything; anything no rule allows is denied.
 */
final class PolicyEngine implements Decider {

    /** A decision plus how each address was classified (for {@code policy explain}). */
    record Outcome(Decision decision, List<AddressClassifier.Classification> addresses) {
    }

    /** A request that passed the rule, Origin and token checks and now needs addresses. */
    private record Plan(Rule rule, String name, byte[] literal, int port) {
    }

    private final Policy policy;
    private final Resolver resolver;
    private final AddressClassifier classifier;
    private final TokenVerifier tokens;
    private final Set<String> anyOrigin;

    PolicyEngine(Policy policy, Resolver resolver, AddressClassifier classifier, Clock clock) {
        this.policy = policy;
        this.resolver = resolver;
        this.classifier = classifier;
        this.tokens = policy.tokenKey() == null ? null : new TokenVerifier(policy.tokenKey(), clock);
        Set<String> union = new HashSet<>(policy.origins());
        policy.allows().forEach(r -> union.addAll(r.options().origins()));
        policy.aliases().values().forEach(r -> union.addAll(r.options().origins()));
        this.anyOrigin = Set.copyOf(union);
    }

    Policy policy() {
        return policy;
    }

    @Override
    public Future<Decision> decide(ConnectRequest request, EventLoop loop) {
        Promise<Decision> out = loop.newPromise();
        evaluate(request, loop).addListener(f -> out.trySuccess(f.isSuccess()
                ? ((Outcome) f.getNow()).decision() : internalError()));
        return out;
    }

    /** Like {@link #decide} but keeps the per-address classification. Never fails. */
    Future<Outcome> evaluate(ConnectRequest request, EventLoop loop) {
        Promise<Outcome> out = loop.newPromise();
        try {
            Object pre = prepare(request.target(), request.origin(), request.token(), true);
            if (pre instanceof Decision d) {
                return out.setSuccess(new Outcome(d, List.of()));
            }
            String certDenied = ClientCertCondition.check(((Plan) pre).rule.options().clientCerts(), request.clientSubject());
            if (certDenied != null) {
                return out.setSuccess(new Outcome(Decision.deny(Decision.Verdict.DENY, certDenied,
                        ((Plan) pre).rule.where()), List.of()));
            }
            Plan plan = (Plan) pre;
            if (plan.literal != null) {
                return out.setSuccess(finish(plan, List.of(plan.literal)));
            }
            ScheduledFuture<?> timer = loop.schedule(() -> {
                out.trySuccess(new Outcome(Decision.deny(Decision.Verdict.DNS_FAILURE, Reasons.DNS_TIMEOUT,
                        plan.rule.where()), List.of()));
            }, policy.dnsTimeout().toMillis(), TimeUnit.MILLISECONDS);
            resolver.resolve(plan.name, loop).addListener(f -> {
                timer.cancel(false);
                if (out.isDone()) {
                    return;
                }
                try {
                    if (!f.isSuccess()) {
                        out.trySuccess(new Outcome(Decision.deny(Decision.Verdict.DNS_FAILURE, Reasons.DNS_FAILED,
                                plan.rule.where()), List.of()));
                        return;
                    }
                    @SuppressWarnings("unchecked")
                    List<InetAddress> answers = (List<InetAddress>) f.getNow();
                    List<byte[]> raw = new ArrayList<>();
                    for (InetAddress a : answers == null ? List.<InetAddress>of() : answers) {
                        raw.add(a.getAddress());
                    }
                    out.trySuccess(finish(plan, raw));
                } catch (Throwable t) {
                    out.trySuccess(new Outcome(internalError(), List.of()));
                }
            });
        } catch (Throwable t) {
            out.trySuccess(new Outcome(internalError(), List.of()));
        }
        return out;
    }

    /**
     * Whether an open channel would still be allowed under this policy: the rules, the Origin,
     * and the classification of the address it is connected to. Tokens are not re-checked (the
     * page proved itself at open) and the name is not re-resolved.
     */
    boolean stillAllowed(String target, String origin, InetSocketAddress address) {
        try {
            Object pre = prepare(target, origin, null, false);
            if (pre instanceof Decision || address == null || address.getAddress() == null) {
                return false;
            }
            Plan plan = (Plan) pre;
            byte[] raw = address.getAddress().getAddress();
            if (address.getPort() != plan.port || (plan.literal != null && !sameAddress(plan.literal, raw))) {
                return false;
            }
            return finish(plan, List.of(raw)).decision().allowed();
        } catch (RuntimeException | UnknownHostException e) {
            return false;
        }
    }

    private Object prepare(String target, String origin, String token, boolean checkToken) {
        if (target == null || target.isEmpty()) {
            return Decision.deny(Decision.Verdict.DENY, Reasons.BAD_TARGET, null);
        }
        Rule rule;
        String name;
        byte[] literal;
        int port;
        String canonical;
        if (target.indexOf(':') < 0) {
            rule = policy.aliases().get(target);
            if (rule == null) {
                return Decision.deny(Decision.Verdict.DENY, Reasons.UNKNOWN_ALIAS, null);
            }
            if (rule.host() instanceof HostPattern.Block b) {
                name = null;
                literal = b.cidr().network();
            } else {
                name = ((HostPattern.Exact) rule.host()).name();
                literal = null;
            }
            port = rule.ports().first();
            canonical = target;
        } else {
            if (policy.aliasesOnly()) {
                return Decision.deny(Decision.Verdict.DENY, Reasons.ALIASES_ONLY, null);
            }
            Endpoint e;
            try {
                e = Endpoint.parse(target);
            } catch (IllegalArgumentException ex) {
                return Decision.deny(Decision.Verdict.DENY, Reasons.BAD_TARGET, null);
            }
            name = e.isLiteral() ? null : e.host();
            literal = e.ip();
            port = e.port();
            canonical = e.toString();
            rule = null;
        }
        if (name != null && HostNames.alwaysDenied(name)) {
            return Decision.deny(Decision.Verdict.DENY, Reasons.NAME_ALWAYS_DENIED, rule == null ? null : rule.where());
        }
        for (Rule deny : policy.denies()) {
            if (deny.ports().contains(port) && (name != null ? deny.host().matchesName(name)
                    : matchesAddress(deny.host(), literal))) {
                return Decision.deny(Decision.Verdict.DENY, Reasons.DENY_RULE, deny.where());
            }
        }
        if (rule == null) {
            for (Rule allow : policy.allows()) {
                if (allow.ports().contains(port) && (name != null ? allow.host().matchesName(name)
                        : matchesAddress(allow.host(), literal))) {
                    rule = allow;
                    break;
                }
            }
            if (rule == null) {
                return Decision.deny(Decision.Verdict.DENY, Reasons.NO_RULE, null);
            }
        }
        List<String> origins = rule.options().origins();
        String key = originKey(origin);
        if (key == null || !(origins.isEmpty() ? policy.origins() : origins).contains(key)) {
            return Decision.deny(Decision.Verdict.DENY, Reasons.ORIGIN, rule.where());
        }
        if (checkToken && rule.options().token()) {
            String why = tokens.check(token, canonical, origin);
            if (why != null) {
                return Decision.deny(Decision.Verdict.DENY, why, rule.where());
            }
        }
        return new Plan(rule, name, literal, port);
    }

    private Outcome finish(Plan plan, List<byte[]> answers) throws UnknownHostException {
        Rule rule = plan.rule;
        if (answers.isEmpty()) {
            return new Outcome(Decision.deny(Decision.Verdict.DNS_FAILURE, Reasons.DNS_EMPTY, rule.where()), List.of());
        }
        List<AddressClassifier.Classification> seen = new ArrayList<>();
        Decision verdict = null;
        for (byte[] raw : answers) {
            if (raw == null || (raw.length != 4 && raw.length != 16)) {
                return new Outcome(internalError(), seen);
            }
            AddressClassifier.Classification c = classifier.classify(raw);
            seen.add(c);
            if (verdict != null) {
                continue; // keep classifying: explain shows every answer
            }
            for (Rule deny : policy.denies()) {
                if (deny.ports().contains(plan.port) && matchesAddress(deny.host(), raw)) {
                    verdict = Decision.deny(Decision.Verdict.DENY, Reasons.DENY_RULE, deny.where());
                    break;
                }
            }
            if (verdict == null && !rule.options().permits(c.kind(), rule.host().isWildcard())) {
                verdict = Decision.deny(Decision.Verdict.DENY, Reasons.address(c.kind()), rule.where());
            }
        }
        if (verdict != null) {
            return new Outcome(verdict, seen);
        }
        // Connect to the exact bytes that were checked: no name attached, so nothing re-resolves.
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByAddress(answers.get(0)), plan.port);
        String serverName = rule.options().serverName() != null ? rule.options().serverName() : plan.name;
        String reason = rule.kind() == Rule.Kind.ALIAS ? Reasons.ALLOWED_ALIAS : Reasons.ALLOWED_RULE;
        return new Outcome(Decision.allow(reason, rule.where(), address, serverName, rule.options().target()), seen);
    }

    /** Block patterns match an IPv4-mapped IPv6 address by its IPv4 too. */
    private static boolean matchesAddress(HostPattern pattern, byte[] raw) {
        if (pattern.matchesAddress(raw)) {
            return true;
        }
        byte[] v4 = unmapped(raw);
        return v4 != null && pattern.matchesAddress(v4);
    }

    private static byte[] unmapped(byte[] raw) {
        if (raw.length != 16) {
            return null;
        }
        for (int i = 0; i < 10; i++) {
            if (raw[i] != 0) {
                return null;
            }
        }
        return raw[10] == (byte) 0xff && raw[11] == (byte) 0xff ? Arrays.copyOfRange(raw, 12, 16) : null;
    }

    private static boolean sameAddress(byte[] a, byte[] b) {
        byte[] ua = unmapped(a);
        byte[] ub = unmapped(b);
        return Arrays.equals(ua != null ? ua : a, ub != null ? ub : b);
    }

    /** Lookup key for an Origin header; {@code null} (never matches) for values no browser sends. */
    static String originKey(String origin) {
        if (origin == null) {
            return Policy.NO_ORIGIN;
        }
        String key = origin.toLowerCase(java.util.Locale.ROOT);
        return key.equals("null") || key.contains("://") ? key : null;
    }

    private static Decision internalError() {
        return Decision.deny(Decision.Verdict.DENY, Reasons.INTERNAL, null);
    }

    @Override
    public boolean isOriginAllowed(String origin) {
        String key = originKey(origin);
        return key != null && anyOrigin.contains(key);
    }

    @Override
    public boolean isHostAllowed(String host) {
        if (host == null) {
            return false;
        }
        try {
            return policy.hosts().contains(HostHeaders.canonical(host));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public boolean isTrustedProxy(InetAddress peer) {
        if (peer == null) {
            return false;
        }
        byte[] raw = peer.getAddress();
        byte[] v4 = unmapped(raw);
        return policy.trustedProxies().stream().anyMatch(c -> c.contains(raw) || (v4 != null && c.contains(v4)));
    }

    @Override
    public Limits limits() {
        return policy.limits();
    }
}
