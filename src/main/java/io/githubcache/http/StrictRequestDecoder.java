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

    public StrictRequestDecoder(int maxInitialLineLength, int maxHeaderSize, int maxChunkSize) {
        super(maxInitialLineLength, maxHeaderSize, maxChunkSize);
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
