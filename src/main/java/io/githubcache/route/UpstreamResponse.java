package io.githubcache.route;

import io.githubcache.cache.HeaderList;
import io.githubcache.http.HeaderNameSet;
import io.githubcache.http.HeaderNames;
import io.githubcache.http.HttpDate;
import io.netty.handler.codec.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.netty.http.NettyHttpConstants;
import org.apache.camel.component.netty.http.NettyHttpMessage;

/**
 * The upstream's answer, read from the producer's message with header lines in their original order. One without
 * a {@code Date} gets one for the time it arrived (RFC 9110 section 6.6.1: a recipient with a clock that caches or
 * forwards such a response must add it); GitHub always sends one.
 */
public record UpstreamResponse(int status, HeaderList headers, byte[] body) {

    public static UpstreamResponse read(Exchange exchange) {
        Message msg = exchange.getMessage();
        int status = msg.getHeader(NettyHttpConstants.HTTP_RESPONSE_CODE, 502, Integer.class);
        HeaderList.Builder lines = HeaderList.builder(32);
        HttpResponse raw = msg instanceof NettyHttpMessage nm ? nm.getHttpResponse() : null;
        if (raw != null) {
            HeaderNameSet named = HeaderNames.connectionTokens(raw.headers().getAll(HeaderNames.CONNECTION));
            for (Map.Entry<String, String> h : raw.headers()) {
                if (!HeaderNames.isHopByHopOrInternal(h.getKey())
                        && !HeaderNameSet.equalsIgnoreAsciiCase(h.getKey(), HeaderNames.CONTENT_LENGTH)
                        && !named.contains(h.getKey())) {
                    lines.add(h.getKey(), h.getValue());
                }
            }
        } else {
            for (Map.Entry<String, Object> h : msg.getHeaders().entrySet()) {
                if (!HeaderNames.isHopByHopOrInternal(h.getKey()) && !h.getKey().equalsIgnoreCase("content-length")) {
                    if (h.getValue() instanceof List<?> values) {
                        values.forEach(v -> lines.add(h.getKey(), String.valueOf(v)));
                    } else {
                        lines.add(h.getKey(), String.valueOf(h.getValue()));
                    }
                }
            }
        }
        byte[] body = msg.getBody(byte[].class);
        HeaderList headers = lines.build();
        if (!headers.contains(HeaderNames.DATE)) {
            headers = headers.with(HeaderNames.DATE, HttpDate.now());
        }
        return new UpstreamResponse(status, headers, body == null ? new byte[0] : body);
    }
}
