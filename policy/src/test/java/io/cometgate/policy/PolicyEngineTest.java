package io.cometgate.policy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyEngineTest {

    private static final String APP = "https://app.example.com";

    @Test
    void aRebindingNameIsLookedUpOnceAndTheCheckedAddressIsTheOneToConnect() throws Exception {
        FakeResolver dns = new FakeResolver().answer("rebind.example.net", "93.184.216.34")
                .answer("rebind.example.net", "127.0.0.1");
        PolicyEngine engine = Policies.engine(Policies.HEADER + "allow *.example.net:443\n", dns);

        Decision d = Policies.decide(engine, "rebind.example.net:443", APP);

        assertEquals(List.of("rebind.example.net"), dns.lookups);
        assertTrue(d.allowed(), d.toString());
        assertEquals(new InetSocketAddress(InetAddress.getByAddress(new byte[] {93, (byte) 184, (byte) 216, 34}), 443),
                d.address());
        assertFalse(d.address().isUnresolved());
        assertEquals("rebind.example.net", d.serverName());
        // The second answer (loopback) is what a second lookup would see: the engine must never ask it.
        Decision again = Policies.decide(engine, "rebind.example.net:443", APP);
        assertEquals("denied: address is loopback", again.reason());
        assertEquals(2, dns.lookups.size());
    }

    @Test
    void ipLiteralTargetsAreNeverResolved() {
        FakeResolver dns = new FakeResolver();
        PolicyEngine engine = Policies.engine(Policies.HEADER + "allow 8.8.8.8:53\n", dns);
        Decision d = Policies.decide(engine, "8.8.8.8:53", APP);
        assertTrue(d.allowed());
        assertEquals(List.of(), dns.lookups);
        assertEquals(null, d.serverName());
    }

    @Test
    void aliasOptionsReachTheDecision() {
        FakeResolver dns = new FakeResolver().answer("irc.internal", "10.0.0.5");
        PolicyEngine engine = Policies.engine(Policies.HEADER
                + "alias irc irc.internal:6697 tls connect-timeout=3s proxy-protocol=v2\n"
                + "alias raw 10.0.0.9:6667 tls server-name=irc.example.com\n", dns);
        Decision d = Policies.decide(engine, "irc", APP);
        assertTrue(d.options().tls());
        assertEquals(Duration.ofSeconds(3), d.options().connectTimeout());
        assertEquals("v2", d.options().proxyProtocol());
        assertEquals("irc.internal", d.serverName());
        assertEquals(6697, d.address().getPort());
        assertEquals("irc.example.com", Policies.decide(engine, "raw", APP).serverName());
    }

    @Test
    void aDnsLookupThatNeverAnswersTimesOutAsDnsFailure() {
        Resolver silent = (host, loop) -> loop.newPromise();
        PolicyEngine engine = Policies.engine(Policies.HEADER + "dns-timeout 2s\nallow a.example.net:443\n", silent);
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        Future<Decision> f = engine.decide(new ConnectRequest("a.example.net:443", APP, null, null), ch.eventLoop());
        assertFalse(f.isDone());
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(f.isSuccess());
        assertEquals(Decision.Verdict.DNS_FAILURE, f.getNow().verdict());
        assertEquals("dns: lookup timed out", f.getNow().reason());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aResolverThatThrowsBecomesADenyNotAFailedFuture() {
        Resolver broken = (host, loop) -> {
            throw new IllegalStateException("boom");
        };
        PolicyEngine engine = Policies.engine(Policies.HEADER + "allow a.example.net:443\n", broken);
        EmbeddedChannel ch = new EmbeddedChannel();
        Future<Decision> f = engine.decide(new ConnectRequest("a.example.net:443", APP, null, null), ch.eventLoop());
        assertTrue(f.isSuccess());
        assertEquals("denied: internal error", f.getNow().reason());
        Future<Decision> nullTarget = engine.decide(new ConnectRequest(null, null, null, null), ch.eventLoop());
        assertEquals("denied: malformed target", nullTarget.getNow().reason());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aliasesOnlyRefusesEveryRawTarget() {
        PolicyEngine engine = Policies.engine(Policies.HEADER + "aliases-only\nalias db 10.0.0.6:5432\n",
                new FakeResolver());
        assertEquals("denied: raw host:port targets are disabled (aliases-only)",
                Policies.decide(engine, "10.0.0.6:5432", APP).reason());
        assertEquals("allowed: alias", Policies.decide(engine, "db", APP).reason());
    }

    @Test
    void sessionLevelChecksComeFromTheFile() throws Exception {
        PolicyEngine engine = Policies.engine("""
                cometgate-policy 1
                host gw.example.com [::1]:8080 127.0.0.1:8080
                origin https://app.example.com null
                allow a.example.net:443 origin=https://b.example.com
                trusted-proxy 10.0.0.0/8 [2001:db8::/32]
                limit max-sessions 7
                limit channel-idle-timeout 90s
                """, new FakeResolver());
        assertTrue(engine.isHostAllowed("GW.example.com"));
        assertTrue(engine.isHostAllowed("[::1]:8080"));
        assertTrue(engine.isHostAllowed("[0:0::1]:8080"));
        assertFalse(engine.isHostAllowed("gw.example.com:8080"));
        assertFalse(engine.isHostAllowed("evil.example"));
        assertFalse(engine.isHostAllowed("127.1:8080"));
        assertFalse(engine.isHostAllowed(null));
        assertTrue(engine.isOriginAllowed(APP));
        assertTrue(engine.isOriginAllowed("https://b.example.com"));
        assertTrue(engine.isOriginAllowed("null"));
        assertFalse(engine.isOriginAllowed(null));
        assertFalse(engine.isOriginAllowed("https://app.example.com.evil.com"));
        assertFalse(engine.isOriginAllowed("none"));
        assertTrue(engine.isTrustedProxy(InetAddress.getByAddress(new byte[] {10, 9, 8, 7})));
        assertTrue(engine.isTrustedProxy(InetAddress.getByAddress(IpLiterals.parseIpv6("2001:db8::5"))));
        assertFalse(engine.isTrustedProxy(InetAddress.getByAddress(new byte[] {11, 9, 8, 7})));
        assertEquals(7, engine.limits().maxSessions());
        assertEquals(Duration.ofSeconds(90), engine.limits().channelIdleTimeout());
        assertEquals(Limits.DEFAULT.maxSessionsPerIp(), engine.limits().maxSessionsPerIp());
    }

    @Test
    void anOpenChannelIsJudgedAgainstTheCurrentRules() throws Exception {
        PolicyEngine engine = Policies.engine(Policies.HEADER + "allow *.example.net:443\ndeny 93.184.216.0/24\n",
                new FakeResolver());
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByAddress(new byte[] {8, 8, 4, 4}), 443);
        InetSocketAddress denied = new InetSocketAddress(InetAddress.getByAddress(new byte[] {93, (byte) 184, (byte) 216, 1}), 443);
        assertTrue(engine.stillAllowed("x.example.net:443", APP, a));
        assertFalse(engine.stillAllowed("x.example.net:443", APP, denied));
        assertFalse(engine.stillAllowed("x.example.net:443", "https://evil.example", a));
        assertFalse(engine.stillAllowed("x.example.net:443", APP, new InetSocketAddress(a.getAddress(), 444)));
        assertFalse(engine.stillAllowed("x.example.org:443", APP, a));
    }

    @Test
    void tokensAreCheckedForSignatureExpiryTargetAndOrigin(@TempDir Path dir) throws Exception {
        byte[] key = "0123456789abcdef0123456789abcdef-secret".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("key"), key);
        Path file = dir.resolve("p.policy");
        Files.writeString(file, Policies.HEADER + "token-key key\nalias db 10.0.0.6:5432 token\n");
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        PolicyEngine engine = new PolicyEngine(PolicyParser.load(file), new FakeResolver(),
                new AddressClassifier(Set.of()), Clock.fixed(now, ZoneOffset.UTC));

        String good = token(key, now.plusSeconds(60), List.of("db"), APP, JWSAlgorithm.HS256);
        assertEquals("allowed: alias", Policies.outcome(engine, "db", APP, good).decision().reason());
        assertEquals("denied: token required", Policies.outcome(engine, "db", APP, null).decision().reason());
        assertEquals("denied: token expired", Policies.outcome(engine, "db", APP,
                token(key, now.minusSeconds(1), List.of("db"), APP, JWSAlgorithm.HS256)).decision().reason());
        assertEquals("denied: token does not cover this target", Policies.outcome(engine, "db", APP,
                token(key, now.plusSeconds(60), List.of("irc"), APP, JWSAlgorithm.HS256)).decision().reason());
        assertEquals("denied: token bound to another origin", Policies.outcome(engine, "db", APP,
                token(key, now.plusSeconds(60), List.of("db"), "https://b.example.com", JWSAlgorithm.HS256))
                .decision().reason());
        byte[] otherKey = "another-key-another-key-another-key!!".getBytes(StandardCharsets.UTF_8);
        assertEquals("denied: token invalid", Policies.outcome(engine, "db", APP,
                token(otherKey, now.plusSeconds(60), List.of("db"), APP, JWSAlgorithm.HS256)).decision().reason());
        byte[] longKey = (new String(key, StandardCharsets.UTF_8).repeat(2)).getBytes(StandardCharsets.UTF_8);
        assertEquals("denied: token invalid", Policies.outcome(engine, "db", APP,
                token(longKey, now.plusSeconds(60), List.of("db"), APP, JWSAlgorithm.HS384)).decision().reason());
        assertEquals("denied: token invalid", Policies.outcome(engine, "db", APP, "not.a.jwt").decision().reason());
        String unsigned = "eyJhbGciOiJub25lIn0." + good.split("\\.")[1] + ".";
        assertEquals("denied: token invalid", Policies.outcome(engine, "db", APP, unsigned).decision().reason());
    }

    private static String token(byte[] key, Instant exp, List<String> targets, String origin, JWSAlgorithm alg)
            throws Exception {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().expirationTime(Date.from(exp)).claim("targets", targets)
                .claim("origin", origin).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
        jwt.sign(new MACSigner(key));
        return jwt.serialize();
    }

    @Test
    void theDecisionFutureCompletesOnTheGivenLoop() {
        EmbeddedChannel ch = new EmbeddedChannel();
        EventLoop loop = ch.eventLoop();
        PolicyEngine engine = Policies.engine(Policies.HEADER + "allow 8.8.8.8:53\n", new FakeResolver());
        Future<Decision> f = engine.decide(new ConnectRequest("8.8.8.8:53", APP, null, null), loop);
        assertTrue(f.isSuccess());
        assertFalse(ch.finishAndReleaseAll());
    }
}
