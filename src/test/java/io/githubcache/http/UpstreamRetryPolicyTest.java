package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.http.UpstreamRetryPolicy.Failure;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import org.apache.camel.CamelExchangeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamRetryPolicyTest {

    @ParameterizedTest
    @EnumSource(value = Failure.class, names = {"CONNECTION_CLOSED", "CONNECTION_RESET"})
    void aGetOrHeadOnAReusedConnectionLostBeforeAnyByteOfTheAnswerIsSentOnceMore(Failure failure) {
        assertThat(UpstreamRetryPolicy.retries("GET", failure, true, false, 1)).isTrue();
        assertThat(UpstreamRetryPolicy.retries("HEAD", failure, true, false, 1)).isTrue();
    }

    @Test
    void neverTwice() {
        assertThat(UpstreamRetryPolicy.retries("GET", Failure.CONNECTION_CLOSED, true, false, 2)).isFalse();
        assertThat(UpstreamRetryPolicy.retries("GET", Failure.CONNECTION_RESET, true, false, 3)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "PATCH", "DELETE", "OPTIONS", "get"})
    void otherMethodsAreNeverSentTwice(String method) {
        assertThat(UpstreamRetryPolicy.retries(method, Failure.CONNECTION_CLOSED, true, false, 1)).isFalse();
        assertThat(UpstreamRetryPolicy.retries(method, Failure.CONNECTION_RESET, true, false, 1)).isFalse();
    }

    @Test
    void aNewConnectionThatFailsCostsOneAttempt() {
        assertThat(UpstreamRetryPolicy.retries("GET", Failure.CONNECTION_CLOSED, false, false, 1)).isFalse();
        assertThat(UpstreamRetryPolicy.retries("GET", Failure.CONNECTION_RESET, false, false, 1)).isFalse();
    }

    @Test
    void notOnceTheAnswerHasBegun() {
        assertThat(UpstreamRetryPolicy.retries("GET", Failure.CONNECTION_CLOSED, true, true, 1)).isFalse();
        assertThat(UpstreamRetryPolicy.retries("GET", Failure.CONNECTION_RESET, true, true, 1)).isFalse();
    }

    @Test
    void otherFailuresAreNotRetried() {
        assertThat(UpstreamRetryPolicy.retries("GET", Failure.OTHER, true, false, 1)).isFalse();
    }

    @Test
    void readsTheFactsFromTheExceptionTheAttemptFailedWith() {
        assertThat(UpstreamRetryPolicy.retries("GET", UpstreamConnectionLost.closed(true, false), false, 1)).isTrue();
        assertThat(UpstreamRetryPolicy.retries("GET",
                UpstreamConnectionLost.reset(true, false, new IOException("Connection reset by peer")), false, 1))
                .isTrue();
        assertThat(UpstreamRetryPolicy.retries("GET",
                new CamelExchangeException("wrapped", null, UpstreamConnectionLost.closed(true, false)), false, 1))
                .isTrue();

        assertThat(UpstreamRetryPolicy.retries("GET", UpstreamConnectionLost.closed(false, false), true, 1))
                .as("the exception's own facts count").isFalse();
        assertThat(UpstreamRetryPolicy.retries("GET", UpstreamConnectionLost.closed(true, true), true, 1)).isFalse();
        assertThat(UpstreamRetryPolicy.retries("POST", UpstreamConnectionLost.closed(true, false), true, 1)).isFalse();
        assertThat(UpstreamRetryPolicy.retries("GET", UpstreamConnectionLost.closed(true, false), true, 2)).isFalse();
    }

    /** The write found the connection closed and gone: retried when it was a pooled one that had answered. */
    @Test
    void aWriteOnAConnectionAlreadyClosedGoesByWhetherItWasReused() {
        assertThat(UpstreamRetryPolicy.retries("GET", new ClosedChannelException(), true, 1)).isTrue();
        assertThat(UpstreamRetryPolicy.retries("HEAD", new ClosedChannelException(), true, 1)).isTrue();
        assertThat(UpstreamRetryPolicy.retries("GET", new ClosedChannelException(), false, 1)).isFalse();
        assertThat(UpstreamRetryPolicy.retries("POST", new ClosedChannelException(), true, 1)).isFalse();
        assertThat(UpstreamRetryPolicy.retries("GET", new ClosedChannelException(), true, 2)).isFalse();
    }

    @Test
    void failuresThatSayNothingOfTheConnectionAreNotRetried() {
        assertThat(UpstreamRetryPolicy.retries("GET", new CamelExchangeException(
                "No response received from remote server: 127.0.0.1:1", null), true, 1)).isFalse();
        assertThat(UpstreamRetryPolicy.retries("GET", new IOException("Connection reset by peer"), true, 1)).isFalse();
        assertThat(UpstreamRetryPolicy.retries("GET", new ConnectException("Connection refused"), true, 1)).isFalse();
        assertThat(UpstreamRetryPolicy.retries("GET", ReadTimeoutException.INSTANCE, true, 1)).isFalse();
        assertThat(UpstreamRetryPolicy.retries("GET", (Throwable) null, true, 1)).isFalse();
    }
}
