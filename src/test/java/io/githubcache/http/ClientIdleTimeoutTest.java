package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientIdleTimeoutTest {

    @Test
    void connectionWithNothingWaitingForItsSocketIsIdle() {
        assertThat(ClientIdleTimeout.takingAnswer(0, -1)).isFalse();
        assertThat(ClientIdleTimeout.takingAnswer(0, 5000)).isFalse();
    }

    @Test
    void bytesWaitingThatMovedSinceTheLastTimeoutAreADownloadInProgress() {
        assertThat(ClientIdleTimeout.takingAnswer(5000, -1)).isTrue();
        assertThat(ClientIdleTimeout.takingAnswer(3000, 5000)).isTrue();
        assertThat(ClientIdleTimeout.takingAnswer(9000, 5000)).isTrue();
    }

    @Test
    void bytesWaitingThatDidNotMoveForATimeoutAreAClientThatStoppedReading() {
        assertThat(ClientIdleTimeout.takingAnswer(5000, 5000)).isFalse();
    }
}
