package io.githubcache.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchingAsyncAppenderTest {

    private final LoggerContext context = new LoggerContext();
    private final Collecting sink = new Collecting();
    private BatchingAsyncAppender appender;

    /** Records what the writer hands on, optionally held at a latch to play a slow stdout. */
    private static final class Collecting extends AppenderBase<ILoggingEvent> {
        final List<String> lines = new ArrayList<>();
        final List<String> threads = new ArrayList<>();
        volatile CountDownLatch gate;
        final AtomicInteger entered = new AtomicInteger();
        volatile boolean stopped;

        @Override
        protected void append(ILoggingEvent e) {
            entered.incrementAndGet();
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
            synchronized (lines) {
                lines.add(e.getFormattedMessage());
                threads.add(Thread.currentThread().getName());
            }
        }

        @Override
        public void stop() {
            stopped = true;
            super.stop();
        }

        List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }
    }

    private void start(int queueSize, long pollMillis) {
        start(queueSize, pollMillis, pollMillis);
    }

    private void start(int queueSize, long pollMillis, long idleMillis) {
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        sink.setContext(context);
        sink.setName("SINK");
        sink.start();
        appender = new BatchingAsyncAppender();
        appender.setContext(context);
        appender.setName("ASYNC_ACCESS");
        appender.setQueueSize(queueSize);
        appender.setPollMillis(pollMillis);
        appender.setIdleMillis(idleMillis);
        appender.addAppender(sink);
        appender.start();
    }

    private ILoggingEvent line(String text) {
        LoggingEvent e = new LoggingEvent();
        e.setLoggerContext(context);
        e.setLevel(Level.INFO);
        e.setMessage(text);
        e.setLoggerName(AccessLog.LOGGER_NAME);
        e.setTimeStamp(0);
        return e;
    }

    /** Hands the writer a first line and returns once it is held in the sink with it, until the gate opens. */
    private void holdTheWriterOn(String first) {
        sink.gate = new CountDownLatch(1);
        appender.doAppend(line(first));
        // wake it for this line: had it already begun a long wait (an empty queue at its first look), it would not
        // take the line within the await below
        LockSupport.unpark(appender.writerThread());
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.entered.get() == 1);
    }

    @AfterEach
    void stop() {
        if (appender != null) {
            sink.gate = null;
            appender.stop();
        }
    }

    @Test
    void linesReachTheAttachedAppenderInOrderOnTheWritersThread() {
        start(64, 5);
        for (int i = 0; i < 500; i++) {
            appender.doAppend(line("line " + i));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> sink.lines().size() == 500);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            expected.add("line " + i);
        }
        assertThat(sink.lines()).containsExactlyElementsOf(expected);
        synchronized (sink.lines) {
            assertThat(sink.threads).containsOnly("access-log-writer");
        }
        assertThat(appender.getAppender(sink.getName())).isSameAs(sink);
    }

    @Test
    void aFullQueueHoldsTheLoggingThreadBackInsteadOfDroppingLines() throws Exception {
        start(2, 1);
        holdTheWriterOn("first");
        appender.doAppend(line("second"));
        appender.doAppend(line("third")); // the queue (2) is now full

        CountDownLatch fourthQueued = new CountDownLatch(1);
        Thread logging = new Thread(() -> {
            appender.doAppend(line("fourth"));
            fourthQueued.countDown();
        });
        logging.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> logging.getState() == Thread.State.WAITING);
        assertThat(fourthQueued.getCount()).isEqualTo(1);

        sink.gate.countDown();
        assertThat(fourthQueued.await(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.lines().size() == 4);
        assertThat(sink.lines()).containsExactly("first", "second", "third", "fourth");
    }

    @Test
    void aStopWritesEveryQueuedLineThenStopsTheAttachedAppender() {
        start(1000, 60_000); // the writer would not look again for a minute on its own
        holdTheWriterOn("held");
        for (int i = 0; i < 100; i++) {
            appender.doAppend(line("queued " + i));
        }
        sink.gate.countDown();

        appender.stop();

        assertThat(sink.lines()).hasSize(101).startsWith("held", "queued 0").endsWith("queued 99");
        assertThat(sink.stopped).isTrue();
        assertThat(appender.isStarted()).isFalse();
    }

    @Test
    void anIdleWriterWaitsOnItsTimerNotOnTheQueue() {
        start(64, 60_000);
        Thread writer = appender.writerThread();
        // a writer blocked in take() would be WAITING and woken by each line; this one sleeps for a fixed time
        await().atMost(Duration.ofSeconds(10)).until(() -> writer.getState() == Thread.State.TIMED_WAITING);
        appender.doAppend(line("one"));
        assertThat(writer.getState()).isEqualTo(Thread.State.TIMED_WAITING);
        assertThat(sink.lines()).isEmpty();
    }

    @Test
    void aPassThatTookAFullBatchIsFollowedByTheNextAtOnce() {
        start(4096, 60_000); // after a pass that was not full the writer would wait a minute
        holdTheWriterOn("held");
        for (int i = 0; i < 3000; i++) {
            appender.doAppend(line("queued " + i));
        }
        sink.gate.countDown();
        // end the minute's wait after the one-line pass, once the writer is in it (not still in the gate's latch,
        // which could take the unpark for its own)
        Thread writer = appender.writerThread();
        await().atMost(Duration.ofSeconds(10)).until(() -> LockSupport.getBlocker(writer) == appender);
        LockSupport.unpark(writer);

        // 3,000 lines are three passes (1,024 at most each) with no wait between them
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.lines().size() == 3001);
        assertThat(sink.lines()).endsWith("queued 2999");
    }

    @Test
    void theWriterWaitsThePollAfterLinesAndBacksOffToTheIdleWaitWhenThereAreNone() {
        long poll = 1_000_000;
        long idle = 50_000_000;
        assertThat(BatchingAsyncAppender.nextWaitNanos(idle, true, poll, idle)).isEqualTo(poll);
        assertThat(BatchingAsyncAppender.nextWaitNanos(poll, true, poll, idle)).isEqualTo(poll);

        List<Long> waits = new ArrayList<>();
        long wait = poll;
        for (int i = 0; i < 8; i++) {
            wait = BatchingAsyncAppender.nextWaitNanos(wait, false, poll, idle);
            waits.add(wait / 1_000_000);
        }
        assertThat(waits).containsExactly(2L, 4L, 8L, 16L, 32L, 50L, 50L, 50L);
    }

    @Test
    void aBadSettingIsReportedAndTheAppenderDoesNotStart() {
        appender = new BatchingAsyncAppender();
        appender.setContext(context);
        appender.setName("ASYNC_ACCESS");
        appender.setQueueSize(0);
        appender.start();

        assertThat(appender.isStarted()).isFalse();
        assertThat(context.getStatusManager().getCopyOfStatusList())
                .anySatisfy(s -> assertThat(s.getMessage()).contains("queueSize"));
    }
}
