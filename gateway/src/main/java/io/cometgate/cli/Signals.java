package io.cometgate.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Operator signals: SIGHUP re-reads the policy; the first SIGTERM or SIGINT drains
 * gracefully; a second one exits at once.
 */
final class Signals {

    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    static void install(Runnable reload, Runnable drainAndStop) {
        AtomicBoolean stopping = new AtomicBoolean();
        Signal.handle(new Signal("HUP"), s -> {
            LOG.info("SIGHUP: re-reading the policy");
            reload.run();
        });
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), s -> {
                if (stopping.compareAndSet(false, true)) {
                    LOG.info("SIG{}: draining (a second signal exits at once)", name);
                    Thread drain = new Thread(drainAndStop, "cometgate-drain");
                    drain.start();
                } else {
                    LOG.warn("SIG{} again: exiting now", name);
                    Runtime.getRuntime().halt(ExitCodes.RUNTIME);
                }
            });
        }
    }
}
