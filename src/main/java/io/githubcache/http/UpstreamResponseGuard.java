package io.githubcache.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

/**
 * Sits on every upstream connection between Netty's HTTP decoder and the aggregator Camel puts behind it, and
 * keeps one upstream answer matched with one request. Camel takes the first response it sees as the answer and
 * returns the connection to its pool, so without this:
 *
 * <ul>
 *   <li>an interim {@code 1xx} response (a {@code 103 Early Hints} from a CDN, an unasked-for {@code 100
 *       Continue}) became the answer, and the real answer, still on its way, went to the <em>next</em> request
 *       sent on that connection: another path, possibly another token's. Interim responses are dropped here
 *       (RFC 9110 15.2: a client must parse and may ignore them); {@code 101} is not interim and goes on;</li>
 *   <li>after a response the decoder could not parse (a header block too large, two different
 *       {@code Content-Length}s, a broken chunk), the decoder discards everything else that connection reads, and
 *       the next request sent on it waited its whole upstream timeout for nothing. The failed response still goes
 *       on (the route treats it as an invalid answer), on a connection already closed, so that Camel's pool drops
 *       it;</li>
 *   <li>an interim response to a HEAD cannot be skipped: Netty's codec pairs it with the HEAD and would read the
 *       real answer as a GET's, waiting for a body that never comes. The connection is closed at once (the
 *       exchange fails: stale entry or 502) rather than timing out;</li>
 *   <li>when the connection closed in the middle of an answer, the decoder's placeholder for it reached Camel
 *       after Camel had already failed the exchange (on the reset or the timeout) and was being answered, and
 *       replaced that exchange's message: the answer's "close the client connection" marker went with it, and a
 *       client that had sent {@code Connection: close} waited until its own timeout for the close. The
 *       placeholder is dropped; Camel fails the exchange when the channel goes inactive.</li>
 * </ul>
 */
@ChannelHandler.Sharable
public final class UpstreamResponseGuard extends ChannelDuplexHandler {

    /** Set while the parts of an interim response are dropped: its end marker is dropped too. */
    private static final AttributeKey<Boolean> IN_INTERIM = AttributeKey.valueOf("github-cache.upstream-interim");
    /** Set when the connection is being closed: whatever it still reads is dropped. */
    private static final AttributeKey<Boolean> DISCARD = AttributeKey.valueOf("github-cache.upstream-discard");
    /** Whether the request last sent on this connection is a HEAD. */
    private static final AttributeKey<Boolean> SENT_HEAD = AttributeKey.valueOf("github-cache.upstream-head");

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpRequest request) {
            ctx.channel().attr(SENT_HEAD).set(request.method() == HttpMethod.HEAD ? Boolean.TRUE : null);
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (Boolean.TRUE.equals(ctx.channel().attr(DISCARD).get())) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse response && isInterim(response.status())
                && response.decoderResult().isSuccess()) {
            if (Boolean.TRUE.equals(ctx.channel().attr(SENT_HEAD).get())) {
                // Netty's client codec pairs the interim response with the HEAD, so it would read the real answer
                // as a GET's and wait for a body that never comes: no answer, at once, instead of a timeout.
                // Nothing more read on this connection goes on
                ctx.channel().attr(DISCARD).set(Boolean.TRUE);
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            ctx.channel().attr(IN_INTERIM).set(Boolean.TRUE);
            dropInterimPart(ctx, msg);
            return;
        }
        if (Boolean.TRUE.equals(ctx.channel().attr(IN_INTERIM).get())) {
            dropInterimPart(ctx, msg);
            return;
        }
        if (msg instanceof DecoderResultProvider provider && provider.decoderResult().isFailure()) {
            if (provider.decoderResult().cause() instanceof PrematureChannelClosureException) {
                // the connection closed before a whole answer: Camel fails the exchange as the channel goes
                // inactive (or did already, on the reset or timeout that closed it). Passed on, this placeholder
                // would be written over an exchange that has been answered, and its answer's close marker lost
                ReferenceCountUtil.release(msg);
                return;
            }
            // closed first: Camel returns the connection to its pool as it takes the answer, and a closed one is
            // dropped there instead of being lent to the next request
            ctx.close();
            ctx.fireChannelRead(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** Netty's decoder follows an interim response with its end marker at once, in the same read. */
    private static void dropInterimPart(ChannelHandlerContext ctx, Object msg) {
        boolean last = msg instanceof LastHttpContent;
        ReferenceCountUtil.release(msg);
        if (last) {
            ctx.channel().attr(IN_INTERIM).set(null);
        }
    }

    static boolean isInterim(HttpResponseStatus status) {
        int code = status.code();
        return code >= 100 && code < 200 && code != HttpResponseStatus.SWITCHING_PROTOCOLS.code();
    }
}
