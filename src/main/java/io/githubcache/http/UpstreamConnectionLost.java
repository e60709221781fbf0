package io.githubcache.http;

import java.io.IOException;

/**
 * An upstream connection closed (FIN) or failed (a reset, another I/O error) while a request sent on it had no
 * complete answer. {@link UpstreamResponseGuard} raises it in place of camel-netty's generic "No response received
 * from remote server" and of the bare socket error, with the two facts that decide whether the request may be
 * sent again ({@link UpstreamRetryPolicy}): whether the connection had already carried an answer (a pooled
 * keep-alive connection the upstream may have closed as idle just as the request went out), and whether any byte
 * of this request's answer had arrived.
 */
public final class UpstreamConnectionLost extends IOException {

    private static final long serialVersionUID = 1L;

    private final boolean reset;
    private final boolean reused;
    private final boolean answerStarted;

    private UpstreamConnectionLost(String message, boolean reset, boolean reused, boolean answerStarted,
            Throwable cause) {
        super(message, cause);
        this.reset = reset;
        this.reused = reused;
        this.answerStarted = answerStarted;
    }

    /** The upstream closed the connection before the whole answer. */
    public static UpstreamConnectionLost closed(boolean reused, boolean answerStarted) {
        return new UpstreamConnectionLost(describe("closed", reused, answerStarted), false, reused, answerStarted,
                null);
    }

    /**
     * The connection failed with {@code cause} before the whole answer: typically "Connection reset by peer", on
     * the read or on the write of the request, or the write found the connection closed already.
     */
    public static UpstreamConnectionLost reset(boolean reused, boolean answerStarted, Throwable cause) {
        return new UpstreamConnectionLost(describe("reset", reused, answerStarted) + ": " + cause.getMessage(), true,
                reused, answerStarted, cause);
    }

    private static String describe(String what, boolean reused, boolean answerStarted) {
        return "upstream connection " + what + (reused ? " (reused)" : " (new)")
                + (answerStarted ? " in the middle of the answer" : " before any byte of the answer");
    }

    /** Whether it was an I/O error (a reset) rather than an orderly close. */
    public boolean isReset() {
        return reset;
    }

    /** Whether the connection had already carried at least one complete answer before this request. */
    public boolean reused() {
        return reused;
    }

    /** Whether any byte of this request's answer had arrived. */
    public boolean answerStarted() {
        return answerStarted;
    }

    /** Raised on every lost upstream connection: the stack trace (an event loop's) says nothing. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
