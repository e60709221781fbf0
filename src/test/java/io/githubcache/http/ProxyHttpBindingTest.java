package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.cache.HeaderList;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import org.apache.camel.component.netty.http.NettyHttpConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class ProxyHttpBindingTest {

    private static final HeaderList LINES = HeaderList.builder(5)
            .add("Content-Type", "application/json; charset=utf-8")
            .add("Vary", "Accept, Authorization")
            .add("Keep-Alive", "timeout=5")
            .add("vary", "Accept-Encoding")
            .add("X-Github-Cache-Status", "MISS")
            .build();

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

    @Test
    void theRoutesAnswerIsSentLineByLineInOrderWithoutHopByHopHeaders() throws Exception {
        byte[] body = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
        Exchange exchange = answered(new OutgoingResponse(200, LINES, body, null));

        HttpResponse response = new ProxyHttpBinding().toNettyResponse(exchange.getMessage(), new NettyHttpConfiguration());

        assertThat(response.status().code()).isEqualTo(200);
        assertThat(response.headers().getAll("Vary")).containsExactly("Accept, Authorization", "Accept-Encoding");
        assertThat(response.headers().get("X-Github-Cache-Status")).isEqualTo("MISS");
        assertThat(response.headers().contains("Keep-Alive")).isFalse();
        assertThat(response.headers().get("Content-Length")).isEqualTo(String.valueOf(body.length));
        assertThat(response.headers().get("Connection")).isEqualTo("keep-alive");
        assertThat(((FullHttpResponse) response).content().toString(StandardCharsets.UTF_8)).isEqualTo("{\"id\":1}");
        assertThat(exchange.getMessage().getHeader(NettyHttpConstants.NETTY_CLOSE_CHANNEL_WHEN_COMPLETE)).isNull();
    }

    @Test
    void headCarriesTheLengthOfTheBodyItDoesNotSend() throws Exception {
        Exchange exchange = answered(new OutgoingResponse(200, LINES, new byte[0], 1234));

        HttpResponse response = new ProxyHttpBinding().toNettyResponse(exchange.getMessage(), new NettyHttpConfiguration());

        assertThat(response.headers().get("Content-Length")).isEqualTo("1234");
        assertThat(((FullHttpResponse) response).content().readableBytes()).isZero();
    }

    @Test
    void aClientThatAskedToCloseGetsConnectionCloseAndTheChannelIsClosedAfterwards() throws Exception {
        Exchange exchange = answered(new OutgoingResponse(404, LINES, new byte[0], null));
        exchange.setProperty(NettyHttpConstants.CONNECTION, "close");

        HttpResponse response = new ProxyHttpBinding().toNettyResponse(exchange.getMessage(), new NettyHttpConfiguration());

        assertThat(response.status().code()).isEqualTo(404);
        assertThat(response.headers().get("Connection")).isEqualTo("close");
        assertThat(exchange.getMessage().getHeader(NettyHttpConstants.NETTY_CLOSE_CHANNEL_WHEN_COMPLETE)).isEqualTo(true);
    }

    @Test
    void aBodySetAfterTheAnswerGoesThroughCamelsBinding() throws Exception {
        Exchange exchange = answered(new OutgoingResponse(200, LINES, new byte[] {1}, null));
        exchange.getMessage().setBody("replaced");
        exchange.getMessage().setHeader(NettyHttpConstants.HTTP_RESPONSE_CODE, 500);

        HttpResponse response = new ProxyHttpBinding().toNettyResponse(exchange.getMessage(), new NettyHttpConfiguration());

        assertThat(response.status().code()).isEqualTo(500);
        assertThat(((FullHttpResponse) response).content().toString(StandardCharsets.UTF_8)).isEqualTo("replaced");
        assertThat(response.headers().contains("X-Github-Cache-Status")).isFalse();
    }

    private static Exchange answered(OutgoingResponse answer) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(NettyHttpConstants.HTTP_RESPONSE_CODE, answer.status());
        exchange.getMessage().setBody(answer.body());
        exchange.setProperty(OutgoingResponse.PROPERTY, answer);
        return exchange;
    }
}
