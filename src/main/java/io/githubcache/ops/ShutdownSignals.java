package io.githubcache.ops;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.main.MainSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a graceful stop of Camel Main instead of the JVM's default handling (which
 * runs the shutdown hooks and exits 143/130). Camel then suspends the proxy consumer (new requests get 503
 * and the connection is closed), lets in-flight requests finish within {@code github.cache.shutdown-timeout},
 * stops the routes and services (the store is closed last), and {@code Main.run} returns, so the application
 * exits 0. A second signal while stopping is logged and ignored: SIGKILL is the way to cut the drain short.
 */
public final class ShutdownSignals {

    private static final Logger LOG = LoggerFactory.getLogger(ShutdownSignals.class);

    private ShutdownSignals() {
    }

    /** Installs the handlers; returns the flag that is set once a signal asked for shutdown. */
    public static AtomicBoolean install(MainSupport main) {
        AtomicBoolean requested = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), sig -> {
                    if (requested.compareAndSet(false, true)) {
                        LOG.info("SIG{} received: draining in-flight requests, then stopping", sig.getName());
                        main.completed();
                    } else {
                        LOG.info("SIG{} received again: already stopping", sig.getName());
                    }
                });
            } catch (IllegalArgumentException e) {
                // the signal is not available on this platform (or reserved by the JVM): keep the default
                LOG.debug("Cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
        return requested;
    }
}
