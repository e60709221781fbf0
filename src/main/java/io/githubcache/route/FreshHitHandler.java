package io.githubcache.route;

import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.RequestCachePolicy;
import io.githubcache.http.HeaderBlocks;
import io.githubcache.http.HeaderNames;
import io.githubcache.http.NettyResponses;
import io.githubcache.http.OutgoingResponse;
import io.githubcache.http.PacedBody;
import io.githubcache.http.ProxyError;
import io.githubcache.http.ProxyResponseEncoder;
import io.githubcache.http.RequestGuard;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.githubcache.cache.FillResult;
import io.githubcache.cache.RequestCoalescer;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers fresh cache hits on the Netty event loop that read the request, before Camel sees it.
 *
 * <p>Why: on a hit the route has nothing to decide that needs Camel (no upstream call, no waiting), yet
 * passing through it costs a thread hop to Camel's executor, an {@code Exchange}, a message and its header
 * map, and the binding's conversions. Measured with {@code bench/run.sh}, that was about two thirds of the
 * CPU of a hit, and the proxy served a third of nginx's hits per second. Here a hit is a key computation, one
 * in-memory lookup and one write.
 *
 * <p>It uses the route's own decision code ({@link ReceiveRequest#classify}, {@link ProxyExchange#freshHit},
 * {@link Respond#prepare} and {@link Respond#recordSent}), so the answer, its headers, the access log line and
 * the metrics are those the route would have produced. Everything else passes on to the route unchanged:
 * anything but {@code GET}/{@code HEAD}, bypasses, {@code /rate_limit}, misses, expired entries, entries that
 * are only on disk or in Redis (reading them is I/O: the route reads them, on Camel's executor with Redis,
 * and on the event loop with the disk, where a read is a local file read, as nginx's are), and every request
 * while the application is stopping (the route then answers 503 and drains).
 *
 * <p>Responses leave in request order (RFC 9112 section 9.3.2). camel-netty-http does not keep that order
 * itself: its exchanges are asynchronous, so a pipelined hit behind a miss used to be answered first (and with
 * {@code Connection: close} on the hit, the miss's answer was lost). Here a request that arrives while an
 * earlier one of the same connection is with the route waits, and reading from that connection pauses,
 * until the route has written its response. Requests wait the same way while the client does not take the
 * answers already written (the connection's outbound buffer is above Netty's high-water mark): each answer
 * waiting for the socket holds a copy of its body outside the heap, and one client pipelining requests for a
 * large entry without reading filled that memory (800 MB) and stalled every other client. One instance per
 * connection; all its methods run on that connection's event loop.
 */
public final class FreshHitHandler extends ChannelDuplexHandler {

    /** Name in the channel pipeline, just after Camel's request aggregator. */
    public static final String NAME = "githubCacheFreshHits";
    private static final Logger LOG = LoggerFactory.getLogger(FreshHitHandler.class);

    private final CacheServices services;
    private final Respond respond;
    private final BooleanSupplier serving;
    private final BooleanSupplier draining;
    /** Requests of this connection handed to the route whose response has not been written yet. */
    private int routed;
    /** Whether this read passed anything on to the route (see {@link #channelReadComplete}). */
    private boolean passedOn;
    /**
     * Pipelined requests (and the guard's refusal of a bad one, {@link RequestGuard.Refusal}) that arrived while an
     * earlier one was with the route, in arrival order.
     */
    private final java.util.ArrayDeque<Object> waiting = new java.util.ArrayDeque<>();
    /**
     * Where entries served from here keep their lines encoded, when this connection's encoder writes such
     * lines ({@link ProxyResponseEncoder}); otherwise null and every line goes as a header. Between this
     * handler and the encoder there is only Camel's request aggregator (inbound): an outbound handler there
     * that copied a response's headers would drop the encoded lines (camel-netty-http adds one only with the
     * endpoint's {@code encoders} option, which the route template does not set).
     */
    private HeaderBlocks headerBlocks;
    /** The request of this connection waiting here for another request's revalidation, or null. */
    private Waiter waiter;
    /** The large answer being written as the client takes it ({@link PacedBody}), or null. */
    private PacedBody paced;

    /**
     * Set on the channel just before a request that already waited lock-timeout here goes to the route, so the
     * route does not make it wait again ({@link ReceiveRequest}).
     */
    static final AttributeKey<Boolean> LOCK_WAITED = AttributeKey.valueOf("githubCache.lockWaited");

    /** What {@link #answered} did with a request. */
    private enum Handled {
        /** Answered and written: the request can be released. */
        ANSWERED,
        /** Waiting for another request's revalidation of its entry; this handler owns the request now. */
        WAITING,
        /** Not for this handler: the route serves it. */
        ROUTE
    }

    /** Requests waiting in any handler right now (tests). */
    private static final java.util.concurrent.atomic.AtomicInteger WAITING_NOW = new java.util.concurrent.atomic.AtomicInteger();

    static int waitingNow() {
        return WAITING_NOW.get();
    }

    /** One request waiting for the revalidation another request is doing. */
    private record Waiter(FullHttpRequest request, ProxyExchange px, ScheduledFuture<?> timeout) {
    }

    /**
     * @param serving  whether the proxy serves (Camel's context has started): hits are answered here only then
     * @param draining whether it is stopping: new requests are turned away here, as Camel would, but with this
     *                 proxy's JSON error and headers, and {@code Retry-After}
     */
    public FreshHitHandler(CacheServices services, BooleanSupplier serving, BooleanSupplier draining) {
        this.services = services;
        this.respond = new Respond(services);
        this.serving = serving;
        this.draining = draining;
    }

    /**
     * Creates {@link #LOCK_WAITED} when the connection opens rather than on the request that first sets it, so
     * every request of every connection finds the same attributes (why: {@code RequestGuard.createConnectionState}).
     */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.channel().attr(LOCK_WAITED);
        headerBlocks = ctx.pipeline().get(RequestGuard.ENCODER) instanceof ProxyResponseEncoder
                ? services.headerBlocks() : null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if ((msg instanceof HttpRequest || msg instanceof RequestGuard.Refusal)
                && (busy() || !waiting.isEmpty() || !ctx.channel().isWritable())) {
            // a pipelined request behind one the route is still serving, or behind answers the client has not
            // taken yet: it waits its turn, and the connection stops reading until the queue drains, so a
            // client cannot pile up requests here, nor answers in memory by sending requests and never reading
            waiting.add(msg);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        dispatch(ctx, msg);
    }

    /**
     * A request of this connection is with the route or waiting here, or a large answer is still being written:
     * later ones queue behind it.
     */
    private boolean busy() {
        return routed > 0 || waiter != null || paced != null;
    }

    private void dispatch(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof RequestGuard.Refusal refusal) {
            RequestGuard.reject(ctx, refusal.request(), refusal.error()); // the last answer: the connection closes
            return;
        }
        if (msg instanceof HttpRequest request) {
            if (request instanceof FullHttpRequest full) {
                if (serving.getAsBoolean()) {
                    Handled h = answered(ctx, full);
                    if (h == Handled.ANSWERED) {
                        full.release();
                    }
                    if (h != Handled.ROUTE) {
                        return;
                    }
                } else if (draining.getAsBoolean()) {
                    full.release();
                    RequestGuard.reject(ctx, request, ProxyError.shuttingDown(), HeaderNames.RETRY_AFTER, "1");
                    return;
                }
            }
            toRoute(ctx, request);
            return;
        }
        passedOn = true;
        ctx.fireChannelRead(msg);
    }

    /** Hands a request to the route; its response, written back through {@link #write}, ends it. */
    private void toRoute(ChannelHandlerContext ctx, HttpRequest request) {
        routed++;
        passedOn = true;
        ctx.fireChannelRead(request);
    }

    /**
     * Camel's handler runs on its own executor, so every event that reaches it is a task handed to another
     * thread. A read that was all answered here has nothing for it to complete: the event stops here (with
     * hits only, these handoffs cost more CPU than the hits themselves).
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (passedOn) {
            passedOn = false;
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        // the route's response (a FullHttpResponse is a LastHttpContent) ends one routed request
        boolean ended = msg instanceof LastHttpContent && routed > 0;
        if (ended) {
            routed--;
        }
        if (msg instanceof FullHttpResponse full && paced == null && PacedBody.large(full)) {
            writePaced(ctx, full, promise); // the requests waiting behind it, when the client has taken it
        } else {
            ctx.write(msg, promise);
        }
        if (ended && !busy() && !waiting.isEmpty()) {
            ctx.executor().execute(() -> next(ctx));
        }
    }

    /**
     * The client has taken enough of the answers written so far (Netty's outbound buffer is below its low-water
     * mark again): the requests that waited for that are served.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && paced != null && paced.resume(ctx)) {
            paced = null;
        }
        if (ctx.channel().isWritable() && !busy() && !waiting.isEmpty()) {
            next(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Serves queued pipelined requests in order until one goes to the route or waits, or the client stops
     * taking answers (or none is left).
     */
    private void next(ChannelHandlerContext ctx) {
        while (!busy() && !waiting.isEmpty() && ctx.channel().isActive() && ctx.channel().isWritable()) {
            dispatch(ctx, waiting.poll());
        }
        if (waiting.isEmpty() && ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseWaiting();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseWaiting();
    }

    private void releaseWaiting() {
        if (paced != null) {
            paced.abandon();
            paced = null;
        }
        Object r;
        while ((r = waiting.poll()) != null) {
            io.netty.util.ReferenceCountUtil.release(r);
        }
        Waiter w = waiter;
        if (w != null) {
            waiter = null;
            WAITING_NOW.decrementAndGet();
            w.timeout().cancel(false);
            w.request().release();
        }
    }

    /** Answers the request here, makes it wait here, or leaves it, untouched, for the route. */
    private Handled answered(ChannelHandlerContext ctx, FullHttpRequest request) {
        String method = request.method().name();
        if (!method.equals("GET") && !method.equals("HEAD") || request.content().isReadable()
                || !(ctx.channel().localAddress() instanceof InetSocketAddress local)) {
            return Handled.ROUTE;
        }
        RouteDirectory.Route route = services.routes().forPort(local.getPort());
        if (route == null) {
            return Handled.ROUTE;
        }
        try {
            ProxyExchange px = ProxyExchange.fromNetty(request);
            px.route(route.upstreamBase(), route.publicBase());
            ReceiveRequest.classify(px, services);
            if (px.decision() != RequestCachePolicy.Decision.LOOKUP) {
                return Handled.ROUTE;
            }
            Instant now = services.clock().instant();
            CachedResponse entry = services.cache().lookupWithoutIo(px.key(), px.requestHeaders());
            if (entry == null) {
                return Handled.ROUTE;
            }
            px.remote(ctx.channel().remoteAddress());
            if (services.freshness().isFresh(entry, now)) {
                px.freshHit(entry);
                answer(ctx, request, px, now);
                return Handled.ANSWERED;
            }
            return awaitRevalidation(ctx, request, px, now);
        } catch (RuntimeException e) {
            // nothing was written: the route serves it, and its own error handling applies
            LOG.warn("Fresh-hit path failed; the request goes through the route", e);
            return Handled.ROUTE;
        }
    }

    private void answer(ChannelHandlerContext ctx, HttpRequest request, ProxyExchange px, Instant now) {
        OutgoingResponse out = respond.prepare(px, now, headerBlocks);
        send(ctx, request, out);
        respond.recordSent(px, out);
    }

    /**
     * An expired entry whose revalidation another request already started on this node: wait for that result
     * here, as the route's {@link CacheLookup} would, but without an exchange or a thread. When a hot entry
     * expires, every request for it arrives during its revalidation; through the route they cost a thread
     * hand-off each and showed as a latency spike once a minute. Shared stores (replicas) and rate-limited
     * tokens keep the route's handling.
     */
    private Handled awaitRevalidation(ChannelHandlerContext ctx, FullHttpRequest request, ProxyExchange px, Instant now) {
        if (services.fillLock().distributed() || CacheLookup.rateLimitBlock(px, services, now) != null) {
            return Handled.ROUTE;
        }
        RequestCoalescer.Fill fill = services.coalescer().waitable(px.key().asString(), now);
        if (fill == null) {
            return Handled.ROUTE; // this request leads the revalidation: the route fetches
        }
        px.collapsed(true);
        ScheduledFuture<?> timeout = ctx.executor().schedule(() -> settle(ctx, null, true),
                services.settings().lockTimeout().toMillis(), TimeUnit.MILLISECONDS);
        Waiter w = new Waiter(request, px, timeout);
        waiter = w;
        WAITING_NOW.incrementAndGet();
        fill.result().whenComplete((result, error) -> ctx.executor().execute(() -> {
            if (waiter == w) {
                w.timeout().cancel(false);
                settle(ctx, result, false);
            }
        }));
        return Handled.WAITING;
    }

    /** The wait is over: answer from the leader's result, or hand the request to the route. */
    private void settle(ChannelHandlerContext ctx, FillResult result, boolean timedOut) {
        Waiter w = waiter;
        if (w == null) {
            return;
        }
        waiter = null;
        WAITING_NOW.decrementAndGet();
        if (!ctx.channel().isActive()) {
            w.request().release();
            return;
        }
        try {
            if (!timedOut && CacheLookup.applyLeaderResult(w.px(), result, services)) {
                answer(ctx, w.request(), w.px(), services.clock().instant());
                w.request().release();
            } else {
                // the leader failed, or answered another variant, or lock-timeout passed: the route fetches
                if (timedOut) {
                    ctx.channel().attr(LOCK_WAITED).set(Boolean.TRUE);
                }
                toRoute(ctx, w.request());
            }
        } catch (RuntimeException e) {
            LOG.warn("Answering a request that waited for a revalidation failed; the route serves it", e);
            toRoute(ctx, w.request());
        }
        next(ctx);
    }

    /** Starts a large answer ({@link PacedBody}); the rest is written as the client takes it. */
    private void writePaced(ChannelHandlerContext ctx, FullHttpResponse response, ChannelPromise done) {
        paced = new PacedBody(response, done); // set first: Netty may call back during the writes
        if (paced.start(ctx)) {
            paced = null;
        }
    }

    /** Built as the route's binding builds it ({@link NettyResponses}). */
    private void send(ChannelHandlerContext ctx, HttpRequest request, OutgoingResponse out) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        FullHttpResponse response = NettyResponses.of(out.status(), out.encodedLines(), out.headers(), out.body(),
                out.headContentLength(), keepAlive);
        if (PacedBody.large(response)) {
            ChannelPromise done = keepAlive ? ctx.voidPromise() : ctx.newPromise();
            if (!keepAlive) {
                done.addListener(ChannelFutureListener.CLOSE);
            }
            writePaced(ctx, response, done);
            return;
        }
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
