package io.cometgate.testing;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Fails a test during which Netty's leak detector reported a leak. Registered for every
 * test through META-INF/services (extension autodetection is on in the pom). It installs a
 * leak-detector factory whose detectors record each report; after each test it collects
 * garbage and allocates a few buffers, which makes the detector look at its queue of
 * collected-but-unreleased buffers while the test is still the one to blame.
 */
public final class NettyLeakExtension implements BeforeEachCallback, AfterEachCallback {

    private static final List<String> LEAKS = new ArrayList<>();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
        ensureInstalled();
    }

    /** The ByteBuf detector is created once, when the buffer classes load: it must be ours. */
    private static void ensureInstalled() {
        try {
            Field field = AbstractByteBuf.class.getDeclaredField("leakDetector");
            field.setAccessible(true);
            Object detector = field.get(null);
            if (!(detector instanceof RecordingDetector<?>)) {
                throw new IllegalStateException("Netty's ByteBuf leak detector was created before "
                        + NettyLeakExtension.class.getSimpleName() + " loaded, so leaks cannot fail tests");
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot check the ByteBuf leak detector: " + e, e);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        collect();
        drain();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        collect();
        List<String> leaks = drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " leak(s) during "
                    + context.getDisplayName() + ":\n" + String.join("\n", leaks));
        }
    }

    /** Makes unreachable unreleased buffers show up as reports now (paranoid level: every allocation checks). */
    public static void collect() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            System.runFinalization();
            for (int j = 0; j < 8; j++) {
                ByteBufAllocator.DEFAULT.buffer(1).release();
                ByteBufAllocator.DEFAULT.directBuffer(1).release();
            }
        }
    }

    /** The leaks reported since the last drain (a test that checks for them itself, in another package). */
    public static List<String> drain() {
        synchronized (LEAKS) {
            List<String> copy = new ArrayList<>(LEAKS);
            LEAKS.clear();
            return copy;
        }
    }

    private static void record(String leak) {
        synchronized (LEAKS) {
            LEAKS.add(leak);
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            record("LEAK: " + resourceType + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            record("LEAK: " + resourceType + " (untraced)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
