package io.githubcache.http;

import io.githubcache.cache.HeaderList;
import io.githubcache.route.ProxyExchange;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.netty.http.DefaultNettyHttpBinding;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import org.apache.camel.component.netty.http.NettyHttpConstants;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Binds Netty requests and responses to Camel messages for a proxy. Unlike Camel's default binding it never
 * parses the request target with {@link java.net.URI} (which rejects targets GitHub accepts and decodes
 * {@code %2F}); it keeps the client's header lines in order in a {@link ProxyExchange} instead of turning
 * them into Camel headers (so nothing a client sends can set a Camel header), and it sends the route's
 * answer without turning it into Camel headers either ({@link #toNettyResponse}).
 */
public final class ProxyHttpBinding extends DefaultNettyHttpBinding {

    public ProxyHttpBinding() {
        super.setHeaderFilterStrategy(new ProxyHeaderFilterStrategy());
    }

    @Override
    public void setHeaderFilterStrategy(HeaderFilterStrategy headerFilterStrategy) {
        // always our own filter: the endpoint must not swap it for Camel's HTTP default
    }

    @Override
    public ProxyHttpBinding copy() {
        return new ProxyHttpBinding();
    }

    @Override
    public void populateCamelHeaders(HttpRequest request, Map<String, Object> headers, Exchange exchange,
            NettyHttpConfiguration configuration) {
        ProxyExchange px = ProxyExchange.fromNetty(request);
        exchange.setProperty(ProxyExchange.PROPERTY, px);
        headers.put(NettyHttpConstants.HTTP_METHOD, request.method().name());
        headers.put(NettyHttpConstants.HTTP_PATH, px.rawPath());
        if (px.rawQuery() != null) {
            headers.put(NettyHttpConstants.HTTP_RAW_QUERY, px.rawQuery());
        }
    }

    /**
     * The upstream's answer: only its status becomes Camel headers. Its header lines are read from the Netty
     * response itself ({@code UpstreamResponse}). Camel's binding would copy them, and the request's Camel
     * headers, into the message, and camel-netty-http's producer then strips the {@code Camel*} ones with one
     * {@code removeHeaders(name)} each, which compiles a regex per header of the message: in a JFR profile of
     * misses that was half of all allocation.
     */
    @Override
    public void populateCamelHeaders(HttpResponse response, Map<String, Object> headers, Exchange exchange,
            NettyHttpConfiguration configuration) {
        headers.put(NettyHttpConstants.HTTP_RESPONSE_CODE, response.status().code());
        headers.put(NettyHttpConstants.HTTP_RESPONSE_TEXT, response.status().reasonPhrase());
    }

    /**
     * The upstream request, built from the {@link OutgoingRequest} the route prepared. What Camel's binding
     * would add is added the same way: the target is the URL's raw path and query ({@code useRelativePath}),
     * {@code Host} is the URL's host and port (the port left out when 80), {@code Connection} follows the
     * endpoint's keep-alive. One difference on purpose: a request with a method that carries a body gets a
     * {@code Content-Length} even when the body is empty (Camel's binding sends none, and GitHub answers 411
     * to a body-less {@code PUT} without it).
     */
    @Override
    public HttpRequest toNettyRequest(Message message, String fullUri, NettyHttpConfiguration configuration)
            throws Exception {
        OutgoingRequest out = message.getExchange().getProperty(OutgoingRequest.PROPERTY, OutgoingRequest.class);
        if (out == null) {
            return super.toNettyRequest(message, fullUri, configuration);
        }
        byte[] body = out.body();
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
                HttpMethod.valueOf(out.method()), configuration.isUseRelativePath() ? targetOf(fullUri) : fullUri,
                body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        HttpHeaders headers = request.headers();
        HeaderList lines = out.headers();
        for (int i = 0; i < lines.size(); i++) {
            headers.add(lines.name(i), lines.value(i));
        }
        if (body.length > 0 || !(request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD)) {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        }
        headers.set(HttpHeaderNames.HOST, hostOf(fullUri));
        headers.set(HttpHeaderNames.CONNECTION,
                configuration.isKeepAlive() ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        return request;
    }

    /** What {@code new URI(url).getRawPath() + "?" + getRawQuery()} gives, without parsing the whole URL. */
    static String targetOf(String url) {
        int authority = url.indexOf("://");
        int slash = url.indexOf('/', authority < 0 ? 0 : authority + 3);
        String target = slash < 0 ? "/" : url.substring(slash);
        int fragment = target.indexOf('#');
        return fragment < 0 ? target : target.substring(0, fragment);
    }

    /** {@code host[:port]} of the URL, the port left out when it is 80 or absent, as Camel's binding does. */
    static String hostOf(String url) {
        int start = url.indexOf("://");
        start = start < 0 ? 0 : start + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(start, end);
        authority = authority.substring(authority.lastIndexOf('@') + 1); // no user info
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && colon > authority.lastIndexOf(']')) {
            String port = authority.substring(colon + 1);
            if (port.isEmpty() || port.equals("80")) {
                return authority.substring(0, colon);
            }
        }
        return authority;
    }

    /**
     * The route's answer, built from the lines {@code Respond} prepared ({@link OutgoingResponse}) as
     * {@link NettyResponses} builds a hit on the event loop. Anything else (a body some other processor set
     * after it) goes through Camel's binding.
     */
    @Override
    public HttpResponse toNettyResponse(Message message, NettyHttpConfiguration configuration) throws Exception {
        Exchange exchange = message.getExchange();
        // Connection is hop-by-hop: the upstream producer marks the exchange "close when complete" when the upstream
        // closes its own connection, and the consumer would then close the client's connection too, after an answer
        // that says keep-alive (the client's next request met a closed connection). Only the client's own
        // Connection header decides, below and in Camel's binding.
        exchange.removeProperty(NettyHttpConstants.NETTY_CLOSE_CHANNEL_WHEN_COMPLETE);
        message.removeHeader(NettyHttpConstants.NETTY_CLOSE_CHANNEL_WHEN_COMPLETE);
        OutgoingResponse answer = exchange.getProperty(OutgoingResponse.PROPERTY, OutgoingResponse.class);
        if (answer != null && message.getBody() == answer.body() && exchange.getException() == null) {
            String connection = exchange.getProperty(NettyHttpConstants.CONNECTION, String.class);
            boolean keepAlive = connection == null ? configuration.isKeepAlive()
                    : !connection.equalsIgnoreCase(HttpHeaderValues.CLOSE.toString());
            if (!keepAlive) {
                message.setHeader(NettyHttpConstants.NETTY_CLOSE_CHANNEL_WHEN_COMPLETE, true);
                // and on the exchange, which Camel reads when the message no longer has the header
                exchange.setProperty(NettyHttpConstants.NETTY_CLOSE_CHANNEL_WHEN_COMPLETE, true);
            }
            return NettyResponses.of(answer.status(), answer.headers(), answer.body(), answer.headContentLength(),
                    keepAlive);
        }
        return super.toNettyResponse(message, configuration);
    }
}
