package io.cometgate.testing;

/**
 * A byte stream whose every byte says where it belongs: the big-endian longs 0, 1, 2, ...
 * A reader that checks each byte against its offset catches any byte lost, duplicated or
 * reordered at the exact offset (a lost run of whole longs shifts every later value).
 */
public final class CounterStream {

    private CounterStream() {
    }

    /** The byte at {@code offset} of the stream. */
    public static byte at(long offset) {
        long value = offset >>> 3;
        return (byte) (value >>> (8 * (7 - (int) (offset & 7))));
    }

    /** Fills {@code buffer[0, length)} with the stream from {@code offset}. */
    public static void fill(byte[] buffer, int length, long offset) {
        for (int i = 0; i < length; i++) {
            buffer[i] = at(offset + i);
        }
    }

    /** The index in {@code buffer[0, length)} of the first byte that is not the stream's from {@code offset}, or -1. */
    public static int firstMismatch(byte[] buffer, int length, long offset) {
        for (int i = 0; i < length; i++) {
            if (buffer[i] != at(offset + i)) {
                return i;
            }
        }
        return -1;
    }
}
