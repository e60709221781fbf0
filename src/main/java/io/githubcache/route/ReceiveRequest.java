package io.githubcache.route;

import io.netty.channel.ChannelHandlerContext;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.netty.NettyConstants;

/** Classifies the request (lookup, bypass or pass) and computes its cache key. */
public final class ReceiveRequest implements Processor {

    public static final String UPSTREAM_PROPERTY = "githubCache.upstream";
    public static final String PUBLIC_BASE_PROPERTY = "githubCache.publicBase";
    public static final String PORT_PROPERTY = "githubCache.port";

    private final CacheServices services;

    public ReceiveRequest(CacheServices services) {
        this.services = services;
    }

    @Override
    public void process(Exchange exchange) {
        ProxyExchange px = exchange.getProperty(ProxyExchange.PROPERTY, ProxyExchange.class);
        px.remote(exchange.getIn().getHeader(NettyConstants.NETTY_REMOTE_ADDRESS, SocketAddress.class));
        px.route(stripSlash(exchange.getProperty(UPSTREAM_PROPERTY, String.class)),
                publicBase(exchange.getProperty(PUBLIC_BASE_PROPERTY, String.class),
                        exchange.getProperty(PORT_PROPERTY, String.class)));
        if (exchange.getIn().getHeader(NettyConstants.NETTY_LOCAL_ADDRESS) instanceof InetSocketAddress local) {
            services.routes().learn(local.getPort(), px.upstreamBase(), px.publicBase());
        }
        if (exchange.getIn().getHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT) instanceof ChannelHandlerContext ctx
                && Boolean.TRUE.equals(ctx.channel().attr(FreshHitHandler.LOCK_WAITED).getAndSet(null))) {
            px.lockWaited(true);
        }
        classify(px, services);
    }

    /** The cache decision and key of a request whose route is set; the event-loop hit path uses it too. */
    static void classify(ProxyExchange px, CacheServices services) {
        px.decision(services.requestPolicy().decide(px.method(), px.rawPath(), px.rawQuery(), px.requestHeaders()));
        px.key(services.keys().keyFor(px.upstreamBase(), px.rawTarget(), px.requestHeaders()));
    }

    /** {@code auto} (the default) means the proxy's own address on this route's port, as the nginx image did. */
    static String publicBase(String configured, String port) {
        if (configured == null || configured.isBlank() || configured.trim().equalsIgnoreCase("auto")) {
            return "http://localhost:" + port;
        }
        return stripSlash(configured.trim());
    }

    static String stripSlash(String url) {
        String u = url == null ? "" : url.trim();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }
}
