package io.githubcache.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class CausesTest {

    private final ConnectException refused = new ConnectException("refused");
    private final IOException io = new IOException("read", refused);
    private final RuntimeException top = new RuntimeException("failed", io);

    @Test
    void theChainIsTheFailureThenItsCausesInOrder() {
        assertThat(Causes.chain(top)).containsExactly(top, io, refused);
        assertThat(Causes.chain(null)).isEmpty();
    }

    @Test
    void anExceptionThatIsItsOwnCauseEndsTheChain() {
        Throwable selfCaused = new Throwable("self") {
            @Override
            public synchronized Throwable getCause() {
                return this;
            }
        };

        assertThat(Causes.chain(new IllegalStateException("outer", selfCaused))).hasSize(2);
        assertThat(Causes.root(selfCaused)).isSameAs(selfCaused);
    }

    @Test
    void findsTheFirstOfATypeAndTheRoot() {
        assertThat(Causes.find(top, IOException.class)).isSameAs(io);
        assertThat(Causes.find(top, ConnectException.class)).isSameAs(refused);
        assertThat(Causes.find(top, IllegalStateException.class)).isNull();
        assertThat(Causes.find(null, IOException.class)).isNull();
        assertThat(Causes.root(top)).isSameAs(refused);
        assertThat(Causes.root(refused)).isSameAs(refused);
    }
}
