package io.cometgate.policy;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The --resolve table behind {@code policy explain}: answers from the table, never from DNS. */
class StaticResolverTest {

    private final EmbeddedChannel loop = new EmbeddedChannel();

    @AfterEach
    void close() {
        assertFalse(loop.finishAndReleaseAll());
    }

    private static InetAddress ip(String literal) {
        return IpLiterals.parse(literal).orElseThrow();
    }

    @Test
    void aNameGivenTwiceCollectsEveryAddressInOrder() {
        StaticResolver r = StaticResolver.of(List.of("DB.Example.com.=10.0.0.5", "db.example.com=2001:db8::5,192.0.2.1"));
        Future<List<InetAddress>> f = r.resolve("db.example.com", loop.eventLoop());
        assertEquals(List.of(ip("10.0.0.5"), ip("2001:db8::5"), ip("192.0.2.1")), f.getNow());
    }

    @Test
    void aNameMissingFromTheTableFailsLikeNxdomain() {
        StaticResolver r = StaticResolver.of(List.of("db.example.com=10.0.0.5"));
        Future<List<InetAddress>> f = r.resolve("other.example.com", loop.eventLoop());
        assertTrue(f.isDone());
        assertInstanceOf(UnknownHostException.class, f.cause());
        assertTrue(f.cause().getMessage().contains("not in the --resolve table"), f.cause().getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"db.example.com", "=10.0.0.5", "db.example.com=", "db.example.com=localhost",
            "db.example.com=0177.0.0.1", "db.example.com=10.0.0.5,", "db example=10.0.0.5", "[::1]=::1"})
    void malformedEntriesAreRefused(String entry) {
        assertThrows(IllegalArgumentException.class, () -> StaticResolver.of(List.of(entry)));
    }
}
