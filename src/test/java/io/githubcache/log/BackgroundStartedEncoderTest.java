package io.githubcache.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.logstash.logback.composite.loggingevent.LogstashMarkersJsonProvider;
import net.logstash.logback.encoder.LoggingEventCompositeJsonEncoder;
import org.junit.jupiter.api.Test;

class BackgroundStartedEncoderTest {

    private final LoggerContext context = new LoggerContext();

    private Encoder<ILoggingEvent> pattern() {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        return encoder;
    }

    /** A pattern encoder, built once {@code release} is counted down (an encoder slow to set up). */
    private Encoder<ILoggingEvent> patternOnce(CountDownLatch release) {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return pattern();
    }

    private ILoggingEvent event(String message) {
        return new LoggingEvent(getClass().getName(), context.getLogger("test"), Level.INFO, message, null, null);
    }

    @Test
    void aLineSentBeforeTheEncoderIsReadyWaitsForItAndIsEncodedByIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BackgroundStartedEncoder<ILoggingEvent> encoder = new BackgroundStartedEncoder<>("test-encoder-start",
                () -> patternOnce(release));
        CompletableFuture<byte[]> line = CompletableFuture.supplyAsync(() -> encoder.encode(event("first")));

        // the header is answered without waiting for the encoder
        assertThat(encoder.headerBytes()).isEmpty();
        assertThat(line).isNotDone();

        release.countDown();
        assertThat(new String(line.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8)).isEqualTo("first\n");
        assertThat(new String(encoder.encode(event("second")), StandardCharsets.UTF_8)).isEqualTo("second\n");
        assertThat(encoder.footerBytes()).isEmpty();
    }

    @Test
    void theEncoderIsBuiltOnItsOwnThread() throws Exception {
        CompletableFuture<String> builtOn = new CompletableFuture<>();
        BackgroundStartedEncoder<ILoggingEvent> encoder = new BackgroundStartedEncoder<>("test-encoder-start", () -> {
            builtOn.complete(Thread.currentThread().getName());
            return pattern();
        });
        encoder.encode(event("x"));
        assertThat(builtOn.get(10, TimeUnit.SECONDS)).isEqualTo("test-encoder-start");
    }

    @Test
    void anEncoderThatCannotBeBuiltDropsLinesWithoutThrowing() {
        BackgroundStartedEncoder<ILoggingEvent> encoder = new BackgroundStartedEncoder<>("test-encoder-start", () -> {
            throw new IllegalStateException("no encoder");
        });
        assertThat(encoder.encode(event("lost"))).isEmpty();
        assertThat(encoder.encode(event("lost too"))).isEmpty();
        encoder.start();
        encoder.stop();
        assertThat(encoder.isStarted()).isFalse();
    }

    @Test
    void anEncoderThatTakesTooLongIsNotWaitedForForeverAndIsUsedOnceThere() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BackgroundStartedEncoder<ILoggingEvent> encoder = new BackgroundStartedEncoder<>("test-encoder-start",
                () -> patternOnce(release), java.time.Duration.ofMillis(50));

        assertThat(encoder.encode(event("dropped"))).isEmpty();
        assertThat(encoder.encode(event("dropped at once"))).isEmpty();

        release.countDown();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> encoder.encode(event("back")).length > 0);
        assertThat(new String(encoder.encode(event("x")), StandardCharsets.UTF_8)).isEqualTo("x\n");
    }

    @Test
    void stoppingStopsTheBuiltEncoder() {
        Encoder<ILoggingEvent> inner = pattern();
        BackgroundStartedEncoder<ILoggingEvent> encoder = new BackgroundStartedEncoder<>("test-encoder-start", () -> inner);
        encoder.start();
        encoder.stop();
        assertThat(inner.isStarted()).isFalse();
    }

    /** What the access log relies on: answering header and footer without the encoder changes nothing. */
    @Test
    void theAccessLogsJsonEncoderHasNoHeaderOrFooter() {
        LoggingEventCompositeJsonEncoder json = new LoggingEventCompositeJsonEncoder();
        json.setContext(context);
        json.getProviders().addProvider(new LogstashMarkersJsonProvider());
        json.start();
        assertThat(json.headerBytes()).isNullOrEmpty();
        assertThat(json.footerBytes()).isNullOrEmpty();
        json.stop();
    }
}
