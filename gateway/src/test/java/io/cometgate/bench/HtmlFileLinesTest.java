package io.cometgate.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The bench client's reading of htmlfile lines, as the gateway's HtmlFileReceiver writes them. */
class HtmlFileLinesTest {

    private static String batchOf(String line) {
        ByteBuf buf = Unpooled.copiedBuffer(line, StandardCharsets.US_ASCII);
        try {
            ByteBuf batch = HttpCarrier.htmlFileBatch(buf);
            return batch == null ? null : batch.toString(StandardCharsets.US_ASCII);
        } finally {
            buf.release();
        }
    }

    @Test
    void aScriptChunkCarriesTheBase64BetweenTheQuotes() {
        assertEquals("AAECAwQ=", batchOf("<script>p(\"AAECAwQ=\")</script>"));
        assertEquals("", batchOf("<script>p(\"\")</script>"));
    }

    @Test
    void thePreludeAndAnythingElseCarryNoBatch() {
        assertNull(batchOf("<!doctype html><html><head><meta charset=\"utf-8\"></head><body><script>var o=\"http://127.0.0.1:1\";"
                + "function p(d){parent.postMessage({cometgate:d},o)}</script>    "));
        assertNull(batchOf("<script>p(\"AAEC\")"), "no closing tag");
        assertNull(batchOf("p(\"AAEC\")</script>"), "no opening tag");
        assertNull(batchOf("<script>p(\")</script>"), "the two tags overlap");
        assertNull(batchOf(" "));
    }

    @Test
    void aLineInsideALargerBufferIsReadFromItsReaderIndex() {
        ByteBuf buf = Unpooled.copiedBuffer("xx<script>p(\"QUJD\")</script>yy", StandardCharsets.US_ASCII);
        try {
            ByteBuf line = buf.slice(2, buf.readableBytes() - 4);
            assertEquals("QUJD", HttpCarrier.htmlFileBatch(line).toString(StandardCharsets.US_ASCII));
        } finally {
            buf.release();
        }
    }
}
