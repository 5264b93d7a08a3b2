package io.cometgate.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

/** The leak extension really fails a leaking test, and leaves a clean one alone. */
class NettyLeakExtensionTest {

    private static Events run(String method) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .selectors(selectMethod(LeakyScenario.class, method))
                .execute()
                .testEvents();
    }

    @Test
    void aTestThatDropsAnUnreleasedBufferFails() {
        Events events = run("dropsABuffer");
        events.assertStatistics(stats -> stats.failed(1).succeeded(0));
        events.failed().assertThatEvents().haveExactly(1,
                finishedWithFailure(message(m -> m.contains("LEAK") && m.contains("dropsABuffer"))));
    }

    @Test
    void aTestThatReleasesWhatItAllocatesPasses() {
        run("releasesItsBuffer").assertStatistics(stats -> stats.failed(0).succeeded(1));
    }

    @Test
    void theExtensionIsInstalledForThisSuite() {
        // loading the class checks that the ByteBuf detector is the recording one
        assertTrue(NettyLeakExtension.drain().isEmpty());
    }

    /** Run only through the engine above (the pom excludes the "fixture" tag). */
    @Tag("fixture")
    static class LeakyScenario {
        @Test
        void dropsABuffer() {
            ByteBuf leaked = ByteBufAllocator.DEFAULT.buffer(64);
            leaked.writeLong(42);
        }

        @Test
        void releasesItsBuffer() {
            ByteBuf buffer = ByteBufAllocator.DEFAULT.buffer(64);
            buffer.writeLong(42);
            buffer.release();
        }
    }
}
