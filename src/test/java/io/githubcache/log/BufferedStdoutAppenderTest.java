package io.githubcache.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BufferedStdoutAppenderTest {

    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final AtomicBoolean closed = new AtomicBoolean();
    private BufferedStdoutAppender appender;

    private void start(long flushIntervalMillis) {
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        appender = new BufferedStdoutAppender();
        appender.setContext(context);
        appender.setFlushIntervalMillis(flushIntervalMillis);
        appender.writeTo(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                synchronized (out) {
                    out.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (out) {
                    out.write(b, off, len);
                }
            }

            @Override
            public void close() {
                closed.set(true);
            }
        });
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        appender.setEncoder(encoder);
        appender.start();
    }

    @AfterEach
    void stop() {
        if (appender != null && appender.isStarted()) {
            appender.stop();
        }
    }

    private void append(String line) {
        ILoggingEvent e = new LoggingEvent("test", context.getLogger("access"), Level.INFO, line, null, null);
        appender.doAppend(e);
    }

    private String written() {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void linesWaitInTheBufferUntilAFlush() {
        start(0); // no periodic flush: only explicit ones
        append("one");
        append("two");

        assertThat(written()).isEmpty();
        appender.flushNow();
        assertThat(written()).isEqualTo("one\ntwo\n");
    }

    @Test
    void bufferedLinesReachTheStreamWithinTheFlushInterval() {
        start(20);
        append("{\"status\":200}");

        await().atMost(Duration.ofSeconds(5)).until(() -> written().equals("{\"status\":200}\n"));
    }

    @Test
    void aFullBufferIsWrittenWithoutWaitingForTheFlush() {
        start(0);
        String line = "x".repeat(1000);
        for (int i = 0; i < 100; i++) {
            append(line);
        }

        assertThat(written().length()).isGreaterThan(64 * 1024 - 1001); // all the lines that filled the buffer
        assertThat(written().length() % 1001).isZero(); // whole lines only
    }

    @Test
    void stopWritesEverythingAndLeavesTheStreamOpen() {
        start(0);
        append("last");

        appender.stop();

        assertThat(written()).isEqualTo("last\n");
        assertThat(closed).isFalse();
    }
}
