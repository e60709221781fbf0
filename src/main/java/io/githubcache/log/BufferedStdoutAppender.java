package io.githubcache.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The access log's stdout, written in blocks: lines collect in a 64 KiB buffer that is written out when full
 * and at least every {@code flushIntervalMillis} (100 by default), and on stop.
 *
 * <p>Why: logback's {@code ConsoleAppender} goes through {@code System.out}, which flushes on every write, so
 * each request cost one {@code write(2)} on top of its own socket I/O; under a load of cache hits that was a
 * tenth of the process's CPU. nginx's {@code access_log ... buffer=} is the same trade: a line reaches stdout
 * at most this interval late, and a process killed with {@code SIGKILL} loses at most this interval of lines
 * (a normal stop, SIGTERM included, writes everything).
 */
public final class BufferedStdoutAppender extends OutputStreamAppender<ILoggingEvent> {

    private long flushIntervalMillis = 100;
    private ScheduledExecutorService flusher;
    private OutputStream target = new FileOutputStream(FileDescriptor.out);

    /** Where the lines go instead of stdout (tests). */
    void writeTo(OutputStream out) {
        this.target = out;
    }

    public void setFlushIntervalMillis(long millis) {
        this.flushIntervalMillis = millis;
    }

    @Override
    public void start() {
        // stdout itself is never closed by this appender (close only flushes)
        setOutputStream(new FilterOutputStream(new BufferedOutputStream(target, 64 * 1024)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        });
        setImmediateFlush(false);
        super.start();
        if (flushIntervalMillis > 0) {
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "access-log-flush");
                t.setDaemon(true);
                return t;
            });
            flusher.scheduleWithFixedDelay(this::flushNow, flushIntervalMillis, flushIntervalMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Writes out what is buffered, under the appender's own lock so no line is cut in half. */
    public void flushNow() {
        streamWriteLock.lock();
        try {
            if (getOutputStream() != null) {
                getOutputStream().flush();
            }
        } catch (IOException e) {
            addError("could not flush stdout", e);
        } finally {
            streamWriteLock.unlock();
        }
    }

    @Override
    public void stop() {
        if (flusher != null) {
            flusher.shutdownNow();
            flusher = null;
        }
        flushNow();
        super.stop();
    }
}
