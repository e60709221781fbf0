package io.githubcache.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import org.apache.camel.ExchangeTimedOutException;
import org.junit.jupiter.api.Test;

class UpstreamOutcomesTest {

    @Test
    void aFailureIsDescribedWithItsCausesOnOneLine() {
        Throwable failure = new RuntimeException("exchange failed", new IOException("read", new ConnectException(
                "Connection refused")));

        assertThat(UpstreamOutcomes.describe(failure)).isEqualTo("RuntimeException: exchange failed"
                + " <- IOException: read <- ConnectException: Connection refused");
    }

    @Test
    void aLongChainIsCutAfterFourAndNoAnswerIsAnAnswerThatCouldNotBeParsed() {
        Throwable failure = new IllegalStateException();
        for (int i = 0; i < 6; i++) {
            failure = new IOException("level " + i, failure);
        }

        assertThat(UpstreamOutcomes.describe(failure).split(" <- ")).hasSize(4);
        assertThat(UpstreamOutcomes.describe(null)).isEqualTo("an answer that could not be parsed");
    }

    @Test
    void aLongMessageIsCut() {
        String dump = "not an SSL/TLS record: " + "3c21".repeat(30_000);

        String line = UpstreamOutcomes.describe(new RuntimeException("failed", new IllegalStateException(dump)));

        assertThat(line).startsWith("RuntimeException: failed <- IllegalStateException: not an SSL/TLS record: 3c21")
                .endsWith("...").hasSizeLessThan(250);
    }

    @Test
    void timeoutsAreFoundAnywhereInTheChain() {
        assertThat(UpstreamOutcomes.isTimeout(new RuntimeException(new ExchangeTimedOutException(null, 5)))).isTrue();
        assertThat(UpstreamOutcomes.isTimeout(new IOException("reset"))).isFalse();
    }
}
