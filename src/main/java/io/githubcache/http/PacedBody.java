package io.githubcache.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;

/**
 * A large answer written in pieces as the client takes them, instead of at once.
 *
 * <p>Why: Netty copies every body it writes from the heap (where entries live) into memory outside the heap, and
 * keeps that copy until the socket took it. Written at once, each answer to a client that reads slowly or not at
 * all held a whole copy: 250 such clients asking for a 4 MB entry reserved the JVM's whole direct-memory limit
 * (768 MB), and other clients' answers then failed. In pieces, a connection holds about Netty's high-water mark
 * (64 KB) plus one piece, however large the answer; the stored body itself is shared, not copied.
 *
 * <p>Used by {@code FreshHitHandler} for hits and for the route's answers; runs on the connection's event loop.
 */
public final class PacedBody {

    /** Bodies up to this size are written at once, as before (the hit path's answers are a few KB). */
    static final int LARGE = 256 * 1024;
    static final int PIECE = 64 * 1024;

    private final FullHttpResponse response;
    private final ChannelPromise done;
    private int next;
    /** Whether {@link #resume} is running (see there). */
    private boolean resuming;

    /** {@code done} completes when the last piece is written. Nothing is written before {@link #start}. */
    public PacedBody(FullHttpResponse response, ChannelPromise done) {
        this.response = response;
        this.done = done;
        this.next = response.content().readerIndex();
    }

    /** Whether {@code response} is written in pieces. */
    public static boolean large(FullHttpResponse response) {
        return response.content().readableBytes() > LARGE;
    }

    /**
     * Writes the head, then as much of the body as the connection takes now; true when all is written. The
     * caller keeps this object as its answer in progress before calling (Netty may call back during a flush).
     */
    public boolean start(ChannelHandlerContext ctx) {
        ctx.write(new DefaultHttpResponse(response.protocolVersion(), response.status(), response.headers()),
                ctx.voidPromise());
        return resume(ctx);
    }

    /**
     * Writes pieces while the connection takes them; true when the last piece is written. A flush here can make
     * the connection writable again at once, and Netty then tells the handler (which calls this) before the
     * flush returns: that nested call does nothing, and this loop goes on.
     */
    public boolean resume(ChannelHandlerContext ctx) {
        if (resuming) {
            return false;
        }
        resuming = true;
        try {
            ByteBuf content = response.content();
            int end = content.writerIndex();
            while (next < end) {
                if (!ctx.channel().isWritable()) {
                    ctx.flush();
                    if (!ctx.channel().isWritable()) {
                        return false; // the handler calls again when the client has taken enough
                    }
                }
                int n = Math.min(PIECE, end - next);
                ByteBuf piece = content.retainedSlice(next, n);
                next += n;
                if (next == end) {
                    ctx.write(new DefaultLastHttpContent(piece), done);
                } else {
                    ctx.write(new DefaultHttpContent(piece), ctx.voidPromise());
                }
            }
            ctx.flush();
            response.release();
            return true;
        } finally {
            resuming = false;
        }
    }

    /** The connection closed before the end: the rest is dropped. */
    public void abandon() {
        response.release();
        if (!done.isVoid()) {
            done.tryFailure(new java.nio.channels.ClosedChannelException());
        }
    }
}
