package io.cometgate.relay;

import io.cometgate.policy.TargetOptions;
import io.cometgate.relay.clientaddr.WebIrcLine;
import io.cometgate.tls.BackendTlsContexts;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * What some targets need loaded from files before connecting: a TLS context for a CA bundle,
 * a WEBIRC password. Files are read once, on a thread of their own (never on an event loop),
 * then served from memory; a failure is not cached, so fixing the file and retrying works.
 */
final class BackendExtras {

    record Loaded(BackendTlsContexts tls, WebIrcLine webirc) { }

    private record Key(boolean tls, Path caBundle, boolean insecure, Path webirc) { }

    private final Map<Key, Loaded> cache = new ConcurrentHashMap<>();
    private final ExecutorService files = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cometgate-backend-files");
        t.setDaemon(true);
        return t;
    });

    /** Completes on {@code loop} with what {@code options} needs (both parts null for a plain target). */
    Future<Loaded> load(TargetOptions options, EventLoop loop) {
        Key key = new Key(options.tls(), options.caBundle(), options.tlsInsecure(), options.webircPasswordFile());
        Promise<Loaded> promise = loop.newPromise();
        Loaded cached = cache.get(key);
        if (cached != null || (!key.tls && key.webirc == null)) {
            return promise.setSuccess(Objects.requireNonNullElse(cached, new Loaded(null, null)));
        }
        files.execute(() -> {
            try {
                BackendTlsContexts tls = !key.tls ? null
                        : key.insecure ? BackendTlsContexts.insecure() : BackendTlsContexts.verifying(key.caBundle);
                WebIrcLine webirc = key.webirc == null ? null : WebIrcLine.fromPasswordFile(key.webirc, "cometgate");
                Loaded loaded = new Loaded(tls, webirc);
                cache.put(key, loaded);
                loop.execute(() -> promise.trySuccess(loaded));
            } catch (Exception e) {
                loop.execute(() -> promise.tryFailure(e));
            }
        });
        return promise;
    }
}
