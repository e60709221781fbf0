package io.githubcache.log;

import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * An encoder built and started on a thread of its own while the application starts, used as soon as it is
 * ready: the access log's JSON encoder loads and sets up Jackson, about 150-190 ms of the main thread before
 * the proxy could bind its port, for lines that only the first request writes.
 *
 * <p>No line is lost or reordered: {@link #encode} waits for the encoder, on the thread that writes the lines
 * (the access log's asynchronous appender's worker, never a request thread). Should building the encoder fail,
 * the error is written to stderr once and the lines are dropped, as logback drops lines of an appender that
 * cannot encode.
 *
 * <p>Only for encoders without header or footer bytes (logstash-logback-encoder's JSON encoders have none):
 * logback asks for the header while the appender starts, and this encoder answers that without waiting.
 */
final class BackgroundStartedEncoder<E> extends EncoderBase<E> {

    private static final byte[] NONE = new byte[0];

    private final CompletableFuture<Encoder<E>> encoder;
    private volatile boolean failureReported;

    BackgroundStartedEncoder(String threadName, Supplier<Encoder<E>> build) {
        this.encoder = CompletableFuture.supplyAsync(build, task -> {
            Thread t = new Thread(task, threadName);
            t.setDaemon(true);
            t.start();
        });
    }

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(E event) {
        Encoder<E> ready = ready();
        return ready == null ? NONE : ready.encode(event);
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }

    @Override
    public void stop() {
        Encoder<E> ready = ready();
        if (ready != null) {
            ready.stop();
        }
        super.stop();
    }

    /** The started encoder, waiting for it if need be; null if it could not be built. */
    private Encoder<E> ready() {
        try {
            return encoder.join();
        } catch (CompletionException e) {
            if (!failureReported) {
                failureReported = true;
                System.err.println("github-cache: the access log's encoder could not be started, access log lines "
                        + "are dropped: " + e.getCause());
            }
            return null;
        }
    }
}
