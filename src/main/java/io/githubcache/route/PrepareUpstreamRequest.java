package io.githubcache.route;

import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.ContentCoding;
import io.githubcache.cache.Header;
import io.githubcache.cache.RequestCachePolicy.Decision;
import io.githubcache.http.HeaderNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.netty.http.NettyHttpConstants;

/**
 * Builds the upstream request from the client's. A cache fill (GET/HEAD) asks for the full resource as GET,
 * in gzip (see {@link ContentCoding}), without the client's own preconditions; an expired entry adds its
 * validators ({@code If-None-Match}, {@code If-Modified-Since}), so GitHub can answer 304, which costs no
 * rate limit. Other requests are forwarded as they came, minus hop-by-hop headers.
 */
public final class PrepareUpstreamRequest implements Processor {

    @Override
    public void process(Exchange exchange) {
        ProxyExchange px = exchange.getProperty(ProxyExchange.PROPERTY, ProxyExchange.class);
        Message in = exchange.getIn();
        boolean fill = px.decision() != Decision.PASS;
        byte[] body = fill ? new byte[0] : in.getBody(byte[].class);
        in.getHeaders().clear();
        in.setHeader(NettyHttpConstants.HTTP_METHOD, fill ? "GET" : px.method());
        in.setHeader(NettyHttpConstants.HTTP_PATH, px.rawPath());
        if (px.rawQuery() != null) {
            in.setHeader(NettyHttpConstants.HTTP_RAW_QUERY, px.rawQuery());
        }
        for (Header h : px.requestHeaders().lines()) {
            String lower = h.name().toLowerCase(Locale.ROOT);
            if (lower.equals("host") || lower.equals("content-length") || lower.equals("expect")) {
                continue;
            }
            if (fill && (HeaderNames.CONDITIONALS.contains(lower) || lower.equals("accept-encoding"))) {
                continue;
            }
            add(in, h.name(), h.value());
        }
        px.revalidating(false);
        if (fill) {
            in.setHeader(HeaderNames.ACCEPT_ENCODING, ContentCoding.GZIP);
            CachedResponse entry = px.entry();
            if (entry != null && entry.hasValidator()) {
                if (entry.etag() != null) {
                    in.setHeader(HeaderNames.IF_NONE_MATCH, entry.etag());
                }
                if (entry.lastModified() != null) {
                    in.setHeader(HeaderNames.IF_MODIFIED_SINCE, entry.lastModified());
                }
                px.revalidating(true);
            }
        }
        in.setBody(body == null ? new byte[0] : body);
        px.upstreamStarted();
    }

    @SuppressWarnings("unchecked")
    private static void add(Message in, String name, String value) {
        Map<String, Object> headers = in.getHeaders();
        Object existing = headers.get(name);
        if (existing == null) {
            headers.put(name, value);
        } else if (existing instanceof List<?> list) {
            ((List<Object>) list).add(value);
        } else {
            List<Object> list = new ArrayList<>(2);
            list.add(existing);
            list.add(value);
            headers.put(name, list);
        }
    }
}
