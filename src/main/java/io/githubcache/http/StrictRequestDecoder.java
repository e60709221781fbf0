package io.githubcache.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;

/**
 * Netty's request decoder, with two refusals it does not make itself, both answered by {@link RequestGuard}:
 *
 * <ul>
 *   <li>A request with both {@code Transfer-Encoding: chunked} and {@code Content-Length} keeps both headers
 *       instead of silently dropping {@code Content-Length}, so that the guard can refuse it: such a request is
 *       a request-smuggling attempt (RFC 9112 section 6.1), and a proxy that "repairs" it may disagree with
 *       another hop about where the request ends.</li>
 *   <li>Inside a chunked body, a line that Netty waits to complete but that can no longer be a chunk-size or
 *       trailer line ({@link PendingChunkLine}) fails the body at once (a failed {@link LastHttpContent}, as
 *       Netty's own broken-chunk answer), instead of holding the connection until the idle timeout.</li>
 * </ul>
 *
 * <p>And a request line it cannot read becomes an {@link UnreadRequest} carrying that line, not Netty's
 * invented {@code GET /bad-request HTTP/1.0}, so the access log shows what the client sent.
 *
 * <p>A request head (request line and headers) must arrive within the client idle timeout of the read that
 * brought its first bytes, or the connection is answered 408 and closed, as nginx's {@code client_header_timeout}
 * does: a client trickling a byte a second never lets the idle timeout fire, and with a 16 KB header limit it
 * could hold a connection (a file descriptor) for hours; a few thousand such clients took every descriptor.
 */
public final class StrictRequestDecoder extends HttpRequestDecoder {

    /**
     * Whether a request's body is being read: a request has come out and its {@link LastHttpContent} has not.
     * Netty reads body bytes as they come, so when it makes no progress with bytes left in a body, those bytes
     * are the start of a chunk-size line, a trailer line, or a chunk's line end.
     */
    private boolean inBody;
    /** After a refusal: the rest of what the connection sends is dropped (it is closed). */
    private boolean refused;
    /** The request line that could not be made a request, until {@link #createInvalidMessage} takes it. */
    private String unreadLine;
    /** How long a request head may take from its first bytes, in nanoseconds; 0: no limit. */
    private final long headTimeoutNanos;
    /** {@link System#nanoTime} of the read that left the first bytes of an unfinished head waiting, or 0. */
    private long headSince;

    public StrictRequestDecoder(int maxInitialLineLength, int maxHeaderSize, int maxChunkSize) {
        this(maxInitialLineLength, maxHeaderSize, maxChunkSize, 0);
    }

    /** @param headTimeoutMillis how long a request head may take to arrive from its first bytes; 0: no limit */
    public StrictRequestDecoder(int maxInitialLineLength, int maxHeaderSize, int maxChunkSize, long headTimeoutMillis) {
        super(maxInitialLineLength, maxHeaderSize, maxChunkSize);
        this.headTimeoutNanos = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(headTimeoutMillis);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        super.channelRead(ctx, msg);
        if (headTimeoutNanos == 0 || refused) {
            return;
        }
        if (inBody || !internalBuffer().isReadable()) {
            headSince = 0; // no head is waiting for its end (only a normal read costs this much)
            return;
        }
        long now = System.nanoTime();
        if (headSince == 0) {
            headSince = now;
        } else if (headTimedOut(now, headSince, headTimeoutNanos)) {
            refused = true;
            internalBuffer().skipBytes(internalBuffer().readableBytes());
            RequestGuard.refuseUnread(ctx, new ProxyError(408, "Request Timeout: the request headers took too long"));
        }
    }

    /** Whether a head whose first bytes came at {@code since} has taken longer than {@code timeout} at {@code now}. */
    static boolean headTimedOut(long now, long since, long timeout) {
        return now - since > timeout;
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        // keep both headers: RequestGuard refuses the request
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (refused) {
            buffer.skipBytes(buffer.readableBytes());
            return;
        }
        int outBefore = out.size();
        int readableBefore = buffer.readableBytes();
        super.decode(ctx, buffer, out);
        for (int i = outBefore; i < out.size(); i++) {
            Object msg = out.get(i);
            if (msg instanceof HttpRequest request) {
                inBody = request.decoderResult().isSuccess();
                headSince = 0; // a head completed: the next one's time starts with the bytes it leaves waiting
            }
            if (msg instanceof LastHttpContent) {
                inBody = false;
            }
        }
        if (inBody && out.size() == outBefore && readableBefore > 0 && buffer.readableBytes() == readableBefore
                && PendingChunkLine.cannotBeValid(buffer)) {
            refused = true;
            inBody = false;
            buffer.skipBytes(buffer.readableBytes());
            LastHttpContent failed = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
            failed.setDecoderResult(DecoderResult.failure(
                    new CorruptedFrameException("a byte that cannot be in a chunk-size or trailer line")));
            out.add(failed);
        }
    }

    @Override
    protected HttpMessage createMessage(String[] initialLine) throws Exception {
        try {
            return super.createMessage(initialLine);
        } catch (RuntimeException e) {
            unreadLine = String.join(" ", initialLine).trim(); // the decoder asks for its placeholder next
            throw e;
        }
    }

    @Override
    protected HttpMessage createInvalidMessage() {
        String line = unreadLine;
        unreadLine = null;
        return new UnreadRequest(line);
    }
}
