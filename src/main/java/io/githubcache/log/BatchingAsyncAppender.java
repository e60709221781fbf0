package io.githubcache.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The access log's hand-off from the request threads to the thread that encodes and writes the lines: a bounded
 * queue, as logback's {@code AsyncAppender} with {@code discardingThreshold=0} and {@code neverBlock=false} (no
 * line is ever dropped; a full queue slows requests down instead), but its writer wakes on a timer, every
 * {@code pollMillis} while lines come (up to {@code idleMillis} apart when none do), and takes whatever has
 * collected, instead of being woken by the lines.
 *
 * <p>Why: logback's writer waits in {@code take()}, so a line that finds it waiting wakes it (a futex wake on the
 * request thread, two context switches), and under load it empties the queue faster than lines come in: at 15,000
 * revalidations a second it was woken about 6,000 times a second and the access log cost about a fifth of a
 * revalidation's CPU. Here a request thread's {@code put} never finds a waiter to wake, and the writer wakes at
 * most {@code 1000 / pollMillis} times a second whatever the load. The price is that a line reaches the writer up
 * to {@code idleMillis} later, well inside the stdout appender's own flush interval.
 *
 * <p>A clean stop writes every queued line before it stops the appenders it feeds.
 */
public final class BatchingAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
        implements AppenderAttachable<ILoggingEvent> {

    /** At most this many lines per pass, so a stop or a slow writer never holds a huge batch. */
    private static final int MAX_BATCH = 1024;

    private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
    private int queueSize = 8192;
    private long pollMillis = 1;
    private long idleMillis = 10;
    private long maxStopMillis = 5000;
    private BlockingQueue<ILoggingEvent> queue;
    private volatile boolean running;
    private Thread writer;

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    /** How long the writer waits after a pass that found lines. */
    public void setPollMillis(long pollMillis) {
        this.pollMillis = pollMillis;
    }

    /** The longest the writer waits once the queue keeps coming up empty (never less than the poll). */
    public void setIdleMillis(long idleMillis) {
        this.idleMillis = idleMillis;
    }

    /** How long a stop waits for the queued lines to be written. */
    public void setMaxStopMillis(long maxStopMillis) {
        this.maxStopMillis = maxStopMillis;
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        if (queueSize < 1 || pollMillis < 1) {
            addError("queueSize and pollMillis must be positive for appender [" + name + "]");
            return;
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        running = true;
        writer = new Thread(this::writeLoop, "access-log-writer");
        writer.setDaemon(true);
        writer.start();
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        // what the line needs from the request thread (message, thread name, MDC) is captured now
        event.prepareForDeferredProcessing();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    queue.put(event);
                    return;
                } catch (InterruptedException e) {
                    interrupted = true; // keep the line; the interrupt is the caller's, restored below
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void writeLoop() {
        List<ILoggingEvent> batch = new ArrayList<>(MAX_BATCH);
        long pollNanos = TimeUnit.MILLISECONDS.toNanos(pollMillis);
        long idleNanos = Math.max(pollNanos, TimeUnit.MILLISECONDS.toNanos(idleMillis));
        long waitNanos = pollNanos;
        while (true) {
            boolean last = !running; // read before draining: a line queued before the stop is always taken
            queue.drainTo(batch, MAX_BATCH);
            if (batch.isEmpty()) {
                if (last) {
                    return;
                }
                waitNanos = nextWaitNanos(waitNanos, false, pollNanos, idleNanos);
                LockSupport.parkNanos(this, waitNanos);
                continue;
            }
            int taken = batch.size();
            for (ILoggingEvent e : batch) {
                try {
                    appenders.appendLoopOnAppenders(e);
                } catch (RuntimeException ex) {
                    addError("could not write an access log line", ex);
                }
            }
            batch.clear();
            waitNanos = nextWaitNanos(waitNanos, true, pollNanos, idleNanos);
            // a full batch leaves more behind, and a stop wants everything now: go on at once in both cases (running
            // is read again here: a stop's unpark may have been taken by a lock the lines' appender waited on)
            if (taken < MAX_BATCH && running) {
                LockSupport.parkNanos(this, waitNanos);
            }
        }
    }

    /**
     * The writer's next wait: the poll after a pass that found lines, so that under load each pass is short (a
     * tenth of a millisecond of encoding at 90,000 lines a second, where a 10 ms poll made bursts of a
     * millisecond that took a core from an event loop and showed in the hits' p99); twice the last wait after an
     * empty pass, up to the idle wait, so an idle proxy's writer does not wake a thousand times a second.
     */
    static long nextWaitNanos(long lastWaitNanos, boolean tookLines, long pollNanos, long idleNanos) {
        if (tookLines) {
            return pollNanos;
        }
        return Math.min(idleNanos, Math.max(pollNanos, lastWaitNanos * 2));
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop(); // no new lines from here on
        running = false;
        Thread w = writer;
        LockSupport.unpark(w);
        try {
            w.join(maxStopMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (w.isAlive()) {
            addWarn("the access log writer did not finish within " + maxStopMillis + " ms; " + queue.size()
                    + " lines were not written");
        }
        appenders.detachAndStopAllAppenders();
    }

    /** The writer thread (tests). */
    Thread writerThread() {
        return writer;
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> appender) {
        appenders.addAppender(appender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return appenders.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return appenders.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return appenders.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return appenders.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return appenders.detachAppender(name);
    }
}
