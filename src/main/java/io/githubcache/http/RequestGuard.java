package io.githubcache.http;

import io.githubcache.cache.HeaderList;
import io.githubcache.log.AccessLog;
import io.githubcache.route.CacheEvents;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.Locale;
import java.util.Set;

/**
 * First handler after Netty's HTTP decoder: refuses what must never reach the routes or the upstream
 * (undecodable or oversized requests, absolute-form targets, {@code CONNECT}, smuggling attempts), with a
 * GitHub-style JSON error, and closes the connection, since after a framing error nothing else on it can be
 * trusted. Camel's own handler would answer such requests with an empty 400 or 405 and no cache status.
 */
@ChannelHandler.Sharable
public final class RequestGuard extends ChannelInboundHandlerAdapter {

    private static final AttributeKey<Boolean> REJECTED = AttributeKey.valueOf("githubCache.rejected");
    /**
     * The request whose body is being read, named in the access log if one of its chunks is broken or the client
     * goes away before the end of it ({@link AbortedBody}).
     */
    private static final AttributeKey<HttpRequest> BODY_REQUEST = AttributeKey.valueOf("githubCache.bodyRequest");
    /** For the access log when no request is known. */
    private static final HttpRequest UNKNOWN_REQUEST = new UnreadRequest(null);
    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final int maxUriLength;
    private final long maxRequestBody;
    private final int maxInitialLineLength;
    private final int maxHeaderSize;
    private long idleTimeoutMillis;
    private CacheEvents events = CacheEvents.NONE;
    private java.util.function.Supplier<? extends ChannelHandler> afterAggregator;
    private String afterAggregatorName;

    public RequestGuard(int maxUriLength, long maxRequestBody) {
        this(maxUriLength, maxRequestBody, maxUriLength + 64, 16 * 1024);
    }

    public RequestGuard(int maxUriLength, long maxRequestBody, int maxInitialLineLength, int maxHeaderSize) {
        this.maxUriLength = maxUriLength;
        this.maxRequestBody = maxRequestBody;
        this.maxInitialLineLength = maxInitialLineLength;
        this.maxHeaderSize = maxHeaderSize;
    }

    /**
     * Closes client connections that send nothing for this long; 0 (the default) keeps Netty's behaviour
     * (connections live until the client closes them).
     */
    public RequestGuard withIdleTimeout(java.time.Duration idle) {
        this.idleTimeoutMillis = idle.toMillis();
        return this;
    }

    /**
     * Where the answers this guard sends itself are counted ({@link #reject}): they never reach the route's
     * {@code Respond}, which counts the others, yet the metrics promise every answer of the proxy.
     */
    public RequestGuard withEvents(CacheEvents events) {
        this.events = events;
        return this;
    }

    /**
     * Puts a handler (one per connection, from {@code perConnection}) just after Camel's request aggregator, where
     * it sees whole requests on the event loop, before Camel's handler: the fresh-hit path. Camel builds the pipeline after this guard,
     * so it is added once the connection is active, when the pipeline is complete.
     */
    public RequestGuard withHandlerAfterAggregator(String name, java.util.function.Supplier<? extends ChannelHandler> perConnection) {
        this.afterAggregatorName = name;
        this.afterAggregator = perConnection;
        return this;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        createConnectionState(ctx);
        // Camel adds its encoder after this guard: the pipeline is complete only now
        ChannelHandler encoder = ctx.pipeline().get(ENCODER);
        if (encoder != null && encoder.getClass() == io.netty.handler.codec.http.HttpResponseEncoder.class) {
            ctx.pipeline().replace(ENCODER, ENCODER, new ProxyResponseEncoder());
        }
        if (afterAggregator != null && ctx.pipeline().get(CAMEL_AGGREGATOR) != null
                && ctx.pipeline().get(afterAggregatorName) == null) {
            ctx.pipeline().addAfter(CAMEL_AGGREGATOR, afterAggregatorName, afterAggregator.get());
        }
        if (ctx.pipeline().get(CAMEL_AGGREGATOR) != null && ctx.pipeline().get(AbortedBody.NAME) == null) {
            ctx.pipeline().addAfter(CAMEL_AGGREGATOR, AbortedBody.NAME, AbortedBody.INSTANCE);
        }
        ctx.fireChannelActive();
    }

    /**
     * Creates, when a connection opens, what would otherwise be created on its first request: this guard's
     * channel attribute and the channel's cached addresses (the access log asks for them). The JIT compiles
     * the per-request path while connections live long and never sees those first-time branches; a burst of
     * new connections then taking them made it throw the compiled hit path away (JFR: deoptimisations in
     * {@code channelRead} and {@code FreshHitHandler.answered}, ~1,200 recompilations in the next seconds, the
     * p99 of those 10 s of hits twice the next run's). Created here, the per-request path finds them present.
     */
    static void createConnectionState(ChannelHandlerContext ctx) {
        io.netty.channel.Channel channel = ctx.channel();
        channel.attr(REJECTED);
        channel.remoteAddress();
        channel.localAddress();
    }

    /**
     * The name camel-netty-http gives the handler that assembles whole requests. Right after it, a handler sees
     * whole requests and writes responses past Camel's outbound streamer (a ChunkedWriteHandler that queues
     * every write, a fifth of the CPU of a hit in a JFR profile) while still seeing Camel's own responses.
     */
    static final String CAMEL_AGGREGATOR = "aggregator";

    /** The name camel-netty-http gives the response encoder; replaced by {@link ProxyResponseEncoder}. */
    public static final String ENCODER = "encoder";

    /**
     * Swaps Camel's request decoder for {@link StrictRequestDecoder} with the same limits (and the idle timeout
     * as the longest a request head may take), and puts {@link ClientIdleTimeout} in front of it, so idle,
     * trickling or never-reading clients cannot hold connections forever.
     */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (idleTimeoutMillis > 0 && ctx.pipeline().get(ClientIdleTimeout.NAME) == null) {
            ctx.pipeline().addFirst(ClientIdleTimeout.NAME, new ClientIdleTimeout(idleTimeoutMillis));
        }
        ChannelHandler decoder = ctx.pipeline().get("decoder");
        if (decoder instanceof io.netty.handler.codec.http.HttpRequestDecoder && !(decoder instanceof StrictRequestDecoder)) {
            ctx.pipeline().replace("decoder", "decoder",
                    new StrictRequestDecoder(maxInitialLineLength, maxHeaderSize, 8192, idleTimeoutMillis));
        }
        if (decoder != null && ctx.pipeline().get(FirstByteCheck.NAME) == null) {
            ctx.pipeline().addBefore("decoder", FirstByteCheck.NAME, new FirstByteCheck());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (Boolean.TRUE.equals(ctx.channel().attr(REJECTED).get())) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            ProxyError refusal = check(request);
            if (refusal != null) {
                ReferenceCountUtil.release(msg);
                refuse(ctx, request, refusal);
                return;
            }
            if (!request.headers().contains(HttpHeaderNames.HOST)) {
                // HTTP/1.0 needs no Host (nginx serves it); Camel's handler would refuse it with a bare 400.
                // The upstream gets its own Host anyway.
                request.headers().set(HttpHeaderNames.HOST, "localhost");
            }
            if (HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0) {
                ctx.channel().attr(BODY_REQUEST).set(request); // for the answer to a broken chunk, or an abort
            }
        } else if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
            HttpRequest request = ctx.channel().attr(BODY_REQUEST).getAndSet(null);
            if (content.decoderResult().cause() instanceof PrematureChannelClosureException) {
                // the client went away in the middle of its body: nobody to answer
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            // a chunk of the body could not be read: Camel's aggregator would answer a bare text/plain 400
            ReferenceCountUtil.release(msg);
            refuse(ctx, request != null ? request : UNKNOWN_REQUEST,
                    new ProxyError(400, "Bad Request: malformed chunked request body"));
            return;
        } else if (msg instanceof LastHttpContent && msg != LastHttpContent.EMPTY_LAST_CONTENT) {
            ctx.channel().attr(BODY_REQUEST).set(null); // the end of a body (a GET's end marker is the singleton)
        }
        ctx.fireChannelRead(msg);
    }

    /** The refusal for a request, or null when it may proceed. Package-private for unit tests. */
    ProxyError check(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result != null && result.isFailure()) {
            Throwable cause = result.cause();
            if (cause instanceof TooLongHttpLineException) {
                return new ProxyError(414, "URI Too Long");
            }
            if (cause instanceof TooLongHttpHeaderException) {
                return new ProxyError(431, "Request Header Fields Too Large");
            }
            return new ProxyError(400, "Bad Request: malformed HTTP request");
        }
        if (request.protocolVersion().majorVersion() != 1) {
            // "HTTP/2.0" or "HTTP/3.0" in an HTTP/1 request line (nginx: 505 too)
            return new ProxyError(505, "HTTP Version Not Supported");
        }
        String method = request.method().name();
        if (method.equals("CONNECT") || method.equals("TRACE")) {
            return new ProxyError(405, "Method Not Allowed: " + method + " is not supported by this proxy");
        }
        if (!METHODS.contains(method)) {
            return new ProxyError(405, "Method Not Allowed");
        }
        String uri = request.uri();
        if (uri.length() > maxUriLength) {
            return new ProxyError(414, "URI Too Long");
        }
        if (!uri.startsWith("/") || uri.startsWith("//")) {
            return new ProxyError(400, "Bad Request: the request target must be a path such as /repos/owner/repo");
        }
        String badTarget = RequestTargets.problem(uri);
        if (badTarget != null) {
            return new ProxyError(400, "Bad Request: " + badTarget);
        }
        if (request.protocolVersion().equals(HttpVersion.HTTP_1_1) && !request.headers().contains(HttpHeaderNames.HOST)) {
            return new ProxyError(400, "Bad Request: missing Host header");
        }
        if (request.headers().getAll(HttpHeaderNames.HOST).size() > 1) {
            return new ProxyError(400, "Bad Request: more than one Host header");
        }
        for (String expect : request.headers().getAll(HttpHeaderNames.EXPECT)) {
            if (!expect.trim().equalsIgnoreCase(HttpHeaderValues.CONTINUE.toString())) {
                return new ProxyError(417, "Expectation Failed: only Expect: 100-continue is supported");
            }
        }
        boolean hasLength = request.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
        boolean hasTransferEncoding = request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING);
        if (hasLength && hasTransferEncoding) {
            return new ProxyError(400, "Bad Request: both Content-Length and Transfer-Encoding");
        }
        if (hasTransferEncoding) {
            String te = String.join(",", request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING))
                    .trim().toLowerCase(Locale.ROOT);
            if (!te.equals("chunked")) {
                return new ProxyError(501, "Not Implemented: only chunked transfer coding is supported");
            }
        }
        if (hasLength) {
            String cl = request.headers().get(HttpHeaderNames.CONTENT_LENGTH).trim();
            long length;
            try {
                length = Long.parseLong(cl);
            } catch (NumberFormatException e) {
                return new ProxyError(400, "Bad Request: invalid Content-Length");
            }
            if (length < 0) {
                return new ProxyError(400, "Bad Request: invalid Content-Length");
            }
            if (length > maxRequestBody) {
                return new ProxyError(413, "Payload Too Large");
            }
        }
        return null;
    }

    /** Bytes that are no HTTP/1 request at all ({@link FirstByteCheck}): a JSON 400, then the connection closes. */
    static void refuseUnreadable(ChannelHandlerContext ctx, String message) {
        refuseUnread(ctx, new ProxyError(400, message));
    }

    /** A connection refused before a request could be read from it (no request known for the access log). */
    static void refuseUnread(ChannelHandlerContext ctx, ProxyError error) {
        refuse(ctx, UNKNOWN_REQUEST, error);
    }

    /**
     * A refusal waiting for its turn. Pipelined requests are answered in order (RFC 9112 section 9.3.2): a bad
     * request behind one still being answered (a miss or a revalidation waiting for the upstream) must not be
     * answered first, or the client takes the error for the earlier request's answer, and the connection closes
     * before that answer. The handler after the aggregator ({@link #withHandlerAfterAggregator}), which keeps the
     * order of the answers, writes it with {@link #reject} in its turn.
     */
    public record Refusal(HttpRequest request, ProxyError error) {
    }

    /**
     * Refuses the connection's current request: nothing more is read from the connection, and the refusal is
     * answered after the requests before it, then the connection closes.
     */
    private static void refuse(ChannelHandlerContext ctx, HttpRequest request, ProxyError error) {
        ctx.channel().attr(REJECTED).set(Boolean.TRUE);
        RequestGuard guard = ctx.pipeline().get(RequestGuard.class);
        ChannelHandlerContext aggregator = ctx.pipeline().context(CAMEL_AGGREGATOR);
        if (guard != null && guard.afterAggregatorName != null && aggregator != null
                && ctx.pipeline().get(guard.afterAggregatorName) != null) {
            aggregator.fireChannelRead(new Refusal(request, error));
        } else {
            reject(ctx, request, error);
        }
    }

    /**
     * A request the proxy answers itself, without the route: a GitHub-style JSON error with the cache status
     * headers, logged, then the connection closes. {@code extraHeaderPairs}: name, value, ... added to those.
     */
    public static void reject(ChannelHandlerContext ctx, HttpRequest request, ProxyError error,
            String... extraHeaderPairs) {
        HeaderList.Builder b = HeaderList.builder(4 + extraHeaderPairs.length / 2)
                .add(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
                .add(HeaderNames.DATE, HttpDate.now())
                .add(HeaderNames.X_GITHUB_CACHE_STATUS, StatusHeaders.REJECTED_STATUS.headerValue())
                .add(HeaderNames.CACHE_STATUS, StatusHeaders.rejectedCacheStatus());
        for (int i = 0; i + 1 < extraHeaderPairs.length; i += 2) {
            b.add(extraHeaderPairs[i], extraHeaderPairs[i + 1]);
        }
        HeaderList lines = b.build();
        // built as every other answer of this proxy (one headers class for the encoder), then the connection closes
        FullHttpResponse response = NettyResponses.of(error.status(), lines, error.body(), null, false);
        AccessLog.rejected(ctx.channel().remoteAddress(), request, error.status());
        // the guard of this pipeline, also when a later handler (the drain's 503) refuses; absent in bare unit tests
        RequestGuard guard = ctx.pipeline().get(RequestGuard.class);
        if (guard != null) {
            guard.events.refused(error.status());
        }
        // write from the tail so the response passes through the HTTP encoder
        ctx.channel().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // includes ReadTimeoutException from the idle timeout: close quietly
        ctx.close();
    }

    /**
     * Just after Camel's request aggregator: a client that closes its connection in the middle of a request
     * body makes the aggregator raise {@link PrematureChannelClosureException}, after this guard (which sits
     * before it). Camel's multiplexer took that for its own failure: a WARN with a 28-line stack trace per
     * abort, which any client could repeat to flood the log, and no access-log line. Here the connection closes
     * quietly and the request gets its line, with status 400, as nginx logs a client that closed the connection
     * while it read the body ("client prematurely closed connection"; its 499 is for a client gone while the
     * upstream was asked, which never happened here). Nothing was sent, so nothing is counted in the metrics
     * of answers. Only {@code exceptionCaught} is overridden: Netty skips this handler for every other event.
     */
    @ChannelHandler.Sharable
    static final class AbortedBody extends ChannelInboundHandlerAdapter {

        static final String NAME = "githubCacheAbortedBody";
        static final AbortedBody INSTANCE = new AbortedBody();
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AbortedBody.class);
        /** nginx's status for a request whose client closed the connection before the end of its body. */
        static final int STATUS = 400;

        private AbortedBody() {
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!(cause instanceof PrematureChannelClosureException)) {
                ctx.fireExceptionCaught(cause);
                return;
            }
            HttpRequest request = ctx.channel().attr(BODY_REQUEST).getAndSet(null);
            LOG.debug("client closed the connection in the middle of a request body: {}", cause.getMessage());
            if (request != null) {
                AccessLog.rejected(ctx.channel().remoteAddress(), request, STATUS);
            }
            ctx.close();
        }
    }
}
