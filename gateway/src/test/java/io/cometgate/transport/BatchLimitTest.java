package io.cometgate.transport;

import io.cometgate.config.GatewayConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A WebSocket client's {@code maxBatch}: what it may ask for, and what the gateway grants. */
class BatchLimitTest {

    private final GatewayConfig config = GatewayConfig.defaults(); // maxFrame 64 KiB, maxMessage 128 KiB, max window 1 MiB
    private static final int ONE_FRAME = 64 * 1024 + 13;

    @Test
    void aClientThatDoesNotAskKeepsTheConfiguredCap() {
        assertEquals(BatchLimit.NOT_ASKED, BatchLimit.parse(null, config));
    }

    @Test
    void aClientGetsWhatItAsksForUpToTheMaxWindow() {
        assertEquals(300_000, BatchLimit.parse("300000", config));
        assertEquals(ONE_FRAME, BatchLimit.parse(String.valueOf(ONE_FRAME), config), "one frame is enough");
        assertEquals(1024 * 1024, BatchLimit.parse("16777216", config), "capped as a poll answer is");
        assertEquals(1024 * 1024, BatchLimit.parse("99999999999999", config), "a huge number is no error, only capped");
    }

    @Test
    void aMaxWindowBelowMaxMessageStillLetsAClientHaveMaxMessage() {
        GatewayConfig small = config.withWindows(64 * 1024, 2 * 1024 * 1024);
        assertEquals(128 * 1024, BatchLimit.parse("1048576", small));
    }

    @Test
    void somethingThatIsNoByteCountOrLessThanOneFrameIsRefusedWithTheReason() {
        IllegalArgumentException word = assertThrows(IllegalArgumentException.class, () -> BatchLimit.parse("lots", config));
        assertEquals("maxBatch must be a byte count, not \"lots\"", word.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> BatchLimit.parse("", config));
        assertTrue(empty.getMessage().startsWith("maxBatch must be a byte count"), empty.getMessage());
        for (String tooSmall : new String[] {"-1", "0", "1000", String.valueOf(ONE_FRAME - 1)}) {
            IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> BatchLimit.parse(tooSmall, config));
            assertEquals("maxBatch must be at least 65549 bytes (one frame of maxFrame 65536 and its header)", small.getMessage());
        }
        String longWord = "x".repeat(500);
        IllegalArgumentException shortened = assertThrows(IllegalArgumentException.class, () -> BatchLimit.parse(longWord, config));
        assertTrue(shortened.getMessage().length() < 80, "the echo of a long value is cut: " + shortened.getMessage());
    }
}
