package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.netty.NettyCamelState;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UpstreamCorrelationTest {

    private final CamelContext context = new DefaultCamelContext();
    private final EmbeddedChannel connection = new EmbeddedChannel(new HttpClientCodec(), new UpstreamResponseGuard());
    private final UpstreamCorrelation correlation = new UpstreamCorrelation();

    @AfterEach
    void close() throws Exception {
        connection.finishAndReleaseAll();
        context.close();
    }

    @Test
    void aConnectionBackInThePoolKeepsNeitherItsLastExchangeNorThatAnswersBody() {
        WeakReference<Exchange> lastExchange = answeredOn(connection);

        // an idle pooled connection lives until its next request: with the exchange it kept the whole body
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            System.gc();
            return lastExchange.get() == null;
        });
        assertThat(connection.isActive()).isTrue();
    }

    @Test
    void anExchangeThatHasItsAnswerIsForgottenOnceTheReadIsOver() {
        NettyCamelState state = new NettyCamelState(doneSync -> { }, new DefaultExchange(context));
        correlation.putState(connection, state);

        assertThat(correlation.getState(null, connection, (Object) "the answer")).isSameAs(state);
        state.callbackDoneOnce(false);
        connection.runPendingTasks();
        assertThat(correlation.getState(null, connection, new IOException("reset"))).isNull();
    }

    @Test
    void anExchangeNotDoneWithWhatWasReadStaysRecorded() {
        NettyCamelState state = new NettyCamelState(doneSync -> { }, new DefaultExchange(context));
        correlation.putState(connection, state);

        correlation.getState(null, connection, (Object) "an interim answer");
        connection.runPendingTasks();
        assertThat(correlation.getState(null, connection, new IOException("reset"))).isSameAs(state);
        state.callbackDoneOnce(false);
    }

    @Test
    void anAnswerReadWhileTheLoopShutsDownIsStillMatchedWithItsExchange() throws Exception {
        DefaultEventLoop stopped = new DefaultEventLoop();
        stopped.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        EmbeddedChannel onStoppedLoop = new EmbeddedChannel() {
            @Override
            public EventLoop eventLoop() {
                return stopped;
            }
        };
        NettyCamelState state = new NettyCamelState(doneSync -> { }, new DefaultExchange(context));
        correlation.putState(onStoppedLoop, state);

        assertThat(correlation.getState(null, onStoppedLoop, (Object) "the answer")).isSameAs(state);
        state.callbackDoneOnce(false);
        onStoppedLoop.finishAndReleaseAll();
    }

    @Test
    void saysWhetherTheExchangeIsDone() {
        NettyCamelState state = new NettyCamelState(doneSync -> { }, new DefaultExchange(context));
        BooleanSupplier done = UpstreamCorrelation.doneOf(state);

        assertThat(done.getAsBoolean()).isFalse();
        state.callbackDoneOnce(true);
        assertThat(done.getAsBoolean()).isTrue();
    }

    @Test
    void recordsTheExchangeWaitingOnAConnectionUntilCamelRemovesIt() {
        NettyCamelState state = new NettyCamelState(doneSync -> { }, new DefaultExchange(context));
        correlation.putState(connection, state);

        assertThat(correlation.getState(null, connection, (Object) null)).isSameAs(state);
        assertThat(state.getExchange().getProperty(UpstreamCorrelation.REUSED_PROPERTY)).isEqualTo(false);
        state.callbackDoneOnce(true);
        correlation.removeState(null, connection);
        assertThat(correlation.getState(null, connection, (Object) null)).isNull();
    }

    /**
     * Records an exchange on the connection and gives it a 1 MB answer as camel-netty does (the record looked up
     * for the answer, the exchange completed in that read), the connection staying open, as it does in the pool.
     */
    private WeakReference<Exchange> answeredOn(EmbeddedChannel channel) {
        Exchange exchange = new DefaultExchange(context);
        NettyCamelState state = new NettyCamelState(doneSync -> { }, exchange);
        correlation.putState(channel, state);
        correlation.getState(null, channel, (Object) "the answer").getExchange().getMessage().setBody(new byte[1 << 20]);
        state.callbackDoneOnce(false);
        channel.runPendingTasks();
        return new WeakReference<>(exchange);
    }
}
