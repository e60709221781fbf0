package io.githubcache.log;

import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * An encoder built and started on a thread of its own while the application starts, used as soon as it is
 * ready: the access log's JSON encoder loads and sets up Jackson, about 150-190 ms of the main thread before
 * the proxy could bind its port, for lines that only the first request writes.
 *
 * <p>No line is lost or reordered: {@link #encode} waits for the encoder, on the thread that writes the lines
 * (the access log's writer thread, {@link BatchingAsyncAppender}, never a request thread). Should building the encoder fail,
 * or take longer than {@link #MAX_WAIT}, the error is written to stderr once and the lines are dropped (until
 * it is there), as logback drops lines of an appender that cannot encode.
 *
 * <p>Only for encoders without header or footer bytes (logstash-logback-encoder's JSON encoders have none):
 * logback asks for the header while the appender starts, and this encoder answers that without waiting.
 */
final class BackgroundStartedEncoder<E> extends EncoderBase<E> {

    private static final byte[] NONE = new byte[0];

    /** The longest the writer thread waits for the encoder; then lines are dropped until it is there. */
    static final Duration MAX_WAIT = Duration.ofSeconds(30);

    private final CompletableFuture<Encoder<E>> encoder;
    private final long maxWaitMillis;
    private volatile boolean gaveUp;
    private volatile boolean failureReported;

    BackgroundStartedEncoder(String threadName, Supplier<Encoder<E>> build) {
        this(threadName, build, MAX_WAIT);
    }

    BackgroundStartedEncoder(String threadName, Supplier<Encoder<E>> build, Duration maxWait) {
        this.maxWaitMillis = maxWait.toMillis();
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

    /**
     * The started encoder, waiting for it if need be, but never without bound: a writer blocked for good would
     * fill the log queue and then block every request. Null while it is not there (or could not be built).
     */
    private Encoder<E> ready() {
        if (gaveUp && !encoder.isDone()) {
            return null;
        }
        try {
            return encoder.get(maxWaitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            gaveUp = true;
            report("not ready after " + maxWaitMillis + " ms");
        } catch (ExecutionException e) {
            report(String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return null;
    }

    private void report(String why) {
        if (!failureReported) {
            failureReported = true;
            System.err.println("github-cache: the access log's encoder could not be started, access log lines "
                    + "are dropped: " + why);
        }
    }
}
