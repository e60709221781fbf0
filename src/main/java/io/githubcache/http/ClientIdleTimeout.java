package io.githubcache.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.concurrent.TimeUnit;

/**
 * Closes a client connection that has sent nothing for {@code github.cache.client-idle-timeout}, unless the
 * client is still taking an answer: a download that outlasts the timeout is no idle connection (nginx's
 * {@code send_timeout} counts the time between two successful writes too). A client that neither sends nor takes
 * anything, the one that requests a large answer and never reads it, is closed, and the memory its pending
 * answer holds outside the heap is freed.
 *
 * <p>Netty's read timeout counts reads only; this checks, when it fires, whether the bytes waiting for the socket
 * changed since the last time it fired ({@link #takingAnswer}). No work per request or per write.
 */
public final class ClientIdleTimeout extends ReadTimeoutHandler {

    /** Name in the channel pipeline, first of all. */
    public static final String NAME = "githubCacheIdle";

    /** Bytes waiting for the socket when this last fired; -1 before. */
    private long pendingBefore = -1;

    public ClientIdleTimeout(long timeoutMillis) {
        super(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void readTimedOut(ChannelHandlerContext ctx) throws Exception {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        long pending = out == null ? 0 : out.totalPendingWriteBytes();
        long before = pendingBefore;
        pendingBefore = pending;
        if (takingAnswer(pending, before)) {
            return; // Netty checks again after another timeout
        }
        super.readTimedOut(ctx);
    }

    /**
     * Whether a connection that sent nothing for a timeout is still taking an answer: bytes wait for its socket,
     * and not the same number as a timeout ago (the client read some, or a new answer was written).
     */
    static boolean takingAnswer(long pendingNow, long pendingBefore) {
        return pendingNow > 0 && pendingNow != pendingBefore;
    }
}
