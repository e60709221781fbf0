package io.githubcache.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.function.BooleanSupplier;

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
 *
 * <p>And when the connection closes or fails while a request sent on it has no complete answer, it raises an
 * {@link UpstreamConnectionLost} (before camel-netty's handler turns the close into its generic "No response
 * received"), which says whether the connection had carried an answer before and whether any byte of this answer
 * had come: a pooled connection the upstream closed as idle just as a GET went out is sent once more
 * ({@link UpstreamRetryPolicy}). "Any byte" is counted before the HTTP decoder, by a small handler this one puts
 * in front of it: a status line cut short produces no decoded message at all.
 */
@ChannelHandler.Sharable
public final class UpstreamResponseGuard extends ChannelDuplexHandler {

    /** Set while the parts of an interim response are dropped: its end marker is dropped too. */
    private static final AttributeKey<Boolean> IN_INTERIM = AttributeKey.valueOf("github-cache.upstream-interim");
    /** Set when the connection is being closed: whatever it still reads is dropped. */
    private static final AttributeKey<Boolean> DISCARD = AttributeKey.valueOf("github-cache.upstream-discard");
    /** Whether the request last sent on this connection is a HEAD. */
    private static final AttributeKey<Boolean> SENT_HEAD = AttributeKey.valueOf("github-cache.upstream-head");
    /** Set once a complete answer has been read on this connection: a request sent on it now is on a reused one. */
    private static final AttributeKey<Boolean> ANSWERED = AttributeKey.valueOf("github-cache.upstream-answered");
    /** Set while the request last sent on this connection has no complete answer. */
    private static final AttributeKey<Boolean> PENDING = AttributeKey.valueOf("github-cache.upstream-pending");
    /** Set when bytes arrived since the request last sent on this connection. */
    private static final AttributeKey<Boolean> ANSWER_STARTED =
            AttributeKey.valueOf("github-cache.upstream-answer-started");
    /** Whether the exchange camel-netty last recorded on this connection is done (see UpstreamCorrelation). */
    private static final AttributeKey<BooleanSupplier> EXCHANGE_DONE =
            AttributeKey.valueOf("github-cache.upstream-exchange-done");

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ChannelHandlerContext codec = ctx.pipeline().context(HttpClientCodec.class);
        if (codec != null && ctx.pipeline().get(AnswerBytes.NAME) == null) {
            ctx.pipeline().addBefore(codec.name(), AnswerBytes.NAME, AnswerBytes.INSTANCE);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpRequest request) {
            Channel channel = ctx.channel();
            channel.attr(SENT_HEAD).set(request.method() == HttpMethod.HEAD ? Boolean.TRUE : null);
            if (!channel.isActive() && exchangeDone(channel) && !promise.isVoid()) {
                // recorded (UpstreamCorrelation), then the connection closed before the write, and that close
                // failed the exchange already, which may be sending again by now: a second failure must not reach it
                ReferenceCountUtil.release(msg);
                promise.trySuccess();
                return;
            }
            pending(channel);
            if (!promise.isVoid()) {
                // a connection the upstream has closed or reset may fail the write itself (or it was closed before
                // the write): camel-netty fails the exchange with the write's error, which is said in our terms
                ChannelPromise written = ctx.newPromise();
                written.addListener(f -> {
                    if (f.isSuccess()) {
                        promise.trySuccess();
                    } else {
                        promise.tryFailure(writeFailure(channel, f.cause()));
                    }
                });
                super.write(ctx, msg, written);
                return;
            }
        }
        super.write(ctx, msg, promise);
    }

    /**
     * A request is about to be written on this connection: camel-netty has just recorded its exchange there, done
     * once that exchange has its answer or failure. From now on a close or an error on the connection fails that
     * request as an {@link UpstreamConnectionLost}, even when it comes before the write reaches this handler.
     */
    static void requestStarting(Channel channel, BooleanSupplier exchangeDone) {
        channel.attr(EXCHANGE_DONE).set(exchangeDone);
        pending(channel);
    }

    private static void pending(Channel channel) {
        channel.attr(ANSWER_STARTED).set(null);
        channel.attr(PENDING).set(Boolean.TRUE);
    }

    /** Whether a complete answer has been read on this connection. */
    static boolean answeredBefore(Channel channel) {
        return Boolean.TRUE.equals(channel.attr(ANSWERED).get());
    }

    /** Whether the exchange last recorded on this connection has had its answer or failure already. */
    private static boolean exchangeDone(Channel channel) {
        BooleanSupplier done = channel.attr(EXCHANGE_DONE).get();
        return done != null && done.getAsBoolean();
    }

    /**
     * Whether a close or an error now is the loss of a request waiting for its answer: then it is reported (once)
     * as such. Never for an exchange already done, answered or failed: camel-netty would set the report on it all
     * the same, on an exchange the route has moved on with.
     */
    private static boolean lostWhilePending(Channel channel) {
        return channel.attr(PENDING).getAndSet(null) != null && !exchangeDone(channel);
    }

    /** The write's failure fails the exchange; the close that follows must not fail it again. */
    private static Throwable writeFailure(Channel channel, Throwable cause) {
        if (cause instanceof IOException && lostWhilePending(channel)) {
            return lost(channel, cause);
        }
        return cause;
    }

    private static UpstreamConnectionLost lost(Channel channel, Throwable cause) {
        boolean reused = answeredBefore(channel);
        boolean answerStarted = Boolean.TRUE.equals(channel.attr(ANSWER_STARTED).get());
        return cause == null ? UpstreamConnectionLost.closed(reused, answerStarted)
                : UpstreamConnectionLost.reset(reused, answerStarted, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (lostWhilePending(ctx.channel())) {
            ctx.fireExceptionCaught(lost(ctx.channel(), null));
        }
        ctx.fireChannelInactive();
    }

    /** An I/O error while a request waits for its answer becomes an {@link UpstreamConnectionLost}. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (cause instanceof IOException && !(cause instanceof UpstreamConnectionLost)
                && lostWhilePending(ctx.channel())) {
            ctx.fireExceptionCaught(lost(ctx.channel(), cause));
            return;
        }
        ctx.fireExceptionCaught(cause);
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
            // dropped there instead of being lent to the next request. The request has its (invalid) answer
            ctx.channel().attr(PENDING).set(null);
            ctx.close();
            ctx.fireChannelRead(msg);
            return;
        }
        if (msg instanceof LastHttpContent) {
            ctx.channel().attr(PENDING).set(null);
            ctx.channel().attr(ANSWERED).set(Boolean.TRUE);
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

    /**
     * Notes, before the HTTP decoder, that bytes arrived on the connection: a request whose answer had begun is
     * not sent again, even when what arrived was too little to decode.
     */
    @ChannelHandler.Sharable
    static final class AnswerBytes extends ChannelInboundHandlerAdapter {
        static final String NAME = "github-cache-answer-bytes";
        static final AnswerBytes INSTANCE = new AnswerBytes();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
                ctx.channel().attr(ANSWER_STARTED).set(Boolean.TRUE);
            }
            ctx.fireChannelRead(msg);
        }
    }

    static boolean isInterim(HttpResponseStatus status) {
        int code = status.code();
        return code >= 100 && code < 200 && code != HttpResponseStatus.SWITCHING_PROTOCOLS.code();
    }
}
