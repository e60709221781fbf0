package io.githubcache.http;

import io.githubcache.route.ProxyExchange;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
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
     * The route's answer, built from the lines {@code Respond} prepared ({@link OutgoingResponse}) as
     * {@link NettyResponses} builds a hit on the event loop. Anything else (a body some other processor set
     * after it) goes through Camel's binding.
     */
    @Override
    public HttpResponse toNettyResponse(Message message, NettyHttpConfiguration configuration) throws Exception {
        Exchange exchange = message.getExchange();
        OutgoingResponse answer = exchange.getProperty(OutgoingResponse.PROPERTY, OutgoingResponse.class);
        if (answer != null && message.getBody() == answer.body() && exchange.getException() == null) {
            String connection = exchange.getProperty(NettyHttpConstants.CONNECTION, String.class);
            boolean keepAlive = connection == null ? configuration.isKeepAlive()
                    : !connection.equalsIgnoreCase(HttpHeaderValues.CLOSE.toString());
            if (!keepAlive) {
                message.setHeader(NettyHttpConstants.NETTY_CLOSE_CHANNEL_WHEN_COMPLETE, true);
            }
            return NettyResponses.of(answer.status(), answer.headers(), answer.body(), answer.headContentLength(),
                    keepAlive);
        }
        return super.toNettyResponse(message, configuration);
    }
}
