package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.component.netty.http.NettyHttpConstants;
import org.junit.jupiter.api.Test;

class ProxyHttpBindingTest {

    @Test
    void upstreamResponseHeadersStayOutOfCamelHeaders() {
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
        response.headers().add("ETag", "\"abc\"").add("X-RateLimit-Remaining", "4999").add("CamelHttpUri", "http://evil");
        Map<String, Object> headers = new HashMap<>();

        new ProxyHttpBinding().populateCamelHeaders(response, headers, null, null);

        assertThat(headers).containsOnly(
                Map.entry(NettyHttpConstants.HTTP_RESPONSE_CODE, 304),
                Map.entry(NettyHttpConstants.HTTP_RESPONSE_TEXT, "Not Modified"));
    }
}
