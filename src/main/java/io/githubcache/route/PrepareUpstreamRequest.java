package io.githubcache.route;

import io.githubcache.cache.CacheFill;
import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.ContentCoding;
import io.githubcache.cache.HeaderList;
import io.githubcache.cache.RequestCachePolicy.Decision;
import io.githubcache.http.HeaderNameSet;
import io.githubcache.http.HeaderNames;
import io.githubcache.http.OutgoingRequest;
import io.githubcache.http.UpstreamHosts;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.netty.http.NettyHttpConstants;

/**
 * Builds the upstream request from the client's. A cache fill (GET/HEAD) asks for the full resource as GET,
 * in gzip (see {@link ContentCoding}), without the client's own preconditions or range (see {@link CacheFill});
 * an expired entry adds its validators ({@code If-None-Match}, {@code If-Modified-Since}), so GitHub can answer
 * 304, which costs no rate limit. Other requests are forwarded as they came, minus hop-by-hop headers.
 */
public final class PrepareUpstreamRequest implements Processor {

    /** Set by Netty for the upstream connection, or meaningless there. */
    private static final HeaderNameSet NEVER_FORWARDED =
            HeaderNameSet.of(HeaderNames.HOST, HeaderNames.CONTENT_LENGTH, "Expect");

    @Override
    public void process(Exchange exchange) {
        ProxyExchange px = exchange.getProperty(ProxyExchange.PROPERTY, ProxyExchange.class);
        Message in = exchange.getIn();
        boolean fill = px.decision() != Decision.PASS;
        byte[] body = fill ? null : in.getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        String method = fill ? "GET" : px.method();
        UpstreamHosts.SHARED.keepWarm(exchange.getProperty(ReceiveRequest.UPSTREAM_PROPERTY, String.class));
        // the producer builds the URL from these three; the header lines go in the OutgoingRequest
        in.getHeaders().clear();
        in.setHeader(NettyHttpConstants.HTTP_METHOD, method);
        in.setHeader(NettyHttpConstants.HTTP_PATH, px.rawPath());
        if (px.rawQuery() != null) {
            in.setHeader(NettyHttpConstants.HTTP_RAW_QUERY, px.rawQuery());
        }
        HeaderList client = px.requestHeaders();
        HeaderList.Builder lines = HeaderList.builder(client.size() + 3);
        for (int i = 0; i < client.size(); i++) {
            String name = client.name(i);
            if (NEVER_FORWARDED.contains(name)) {
                continue;
            }
            if (fill && !CacheFill.forwards(name)) {
                continue;
            }
            lines.add(name, client.value(i));
        }
        px.revalidating(false);
        if (fill) {
            lines.add(HeaderNames.ACCEPT_ENCODING, ContentCoding.GZIP);
            CachedResponse entry = px.entry();
            if (entry != null && entry.hasValidator()) {
                if (entry.etag() != null) {
                    lines.add(HeaderNames.IF_NONE_MATCH, entry.etag());
                }
                if (entry.lastModified() != null) {
                    lines.add(HeaderNames.IF_MODIFIED_SINCE, entry.lastModified());
                }
                px.revalidating(true);
            }
        }
        in.setBody(body);
        exchange.setProperty(OutgoingRequest.PROPERTY, new OutgoingRequest(method, lines.build(), body));
        px.upstreamStarted();
    }
}
