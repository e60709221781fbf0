package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.cache.HeaderList;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.netty.http.DefaultNettyHttpBinding;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import org.apache.camel.component.netty.http.NettyHttpConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/repos/o/r?per_page=100&page=2",
            "https://api.github.com/repos/o/r%2Fx/contents/a%20b?ref=a%2Fb", "http://example.com:80/a",
            "http://[::1]:9000/x?y=%2F", "http://user:pw@host:81/b#frag", "https://ghe.example.com/api/v3/repos/o/r",
            "http://example.com/"})
    void targetHostAndConnectionAreWhatCamelsBindingWouldSend(String url) throws Exception {
        NettyHttpConfiguration config = new NettyHttpConfiguration();
        config.setUseRelativePath(true);
        config.setKeepAlive(true);
        Exchange camels = new DefaultExchange(new DefaultCamelContext());
        camels.getIn().setHeader(NettyHttpConstants.HTTP_METHOD, "GET");
        camels.getIn().setBody(new byte[0]);
        HttpRequest expected = new DefaultNettyHttpBinding().toNettyRequest(camels.getIn(), url, config);

        HttpRequest actual = new ProxyHttpBinding().toNettyRequest(
                outgoing(new OutgoingRequest("GET", HeaderList.empty(), new byte[0])).getIn(), url, config);

        assertThat(actual.method()).isEqualTo(expected.method());
        assertThat(actual.uri()).isEqualTo(expected.uri());
        assertThat(actual.headers().getAll("Host")).isEqualTo(expected.headers().getAll("Host"));
        assertThat(actual.headers().getAll("Connection")).isEqualTo(expected.headers().getAll("Connection"));
        assertThat(actual.headers().contains("Content-Length")).isFalse();
    }

    @Test
    void theRequestCarriesItsLinesInOrderAndItsBody() throws Exception {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        HeaderList lines = HeaderList.builder(3).add("Accept", "application/json").add("X-Two", "1")
                .add("x-two", "2").build();

        HttpRequest request = new ProxyHttpBinding().toNettyRequest(
                outgoing(new OutgoingRequest("PATCH", lines, body)).getIn(), "http://h:1/p?q", new NettyHttpConfiguration());

        assertThat(request.method().name()).isEqualTo("PATCH");
        assertThat(request.uri()).isEqualTo("/p?q");
        assertThat(request.headers().getAll("X-Two")).containsExactly("1", "2");
        assertThat(request.headers().get("Content-Length")).isEqualTo(String.valueOf(body.length));
        assertThat(((FullHttpRequest) request).content().toString(StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        assertThat(request.headers().get("Host")).isEqualTo("h:1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "PATCH", "DELETE"})
    void aMethodThatMayCarryABodyStatesAnEmptyOne(String method) throws Exception {
        HttpRequest request = new ProxyHttpBinding().toNettyRequest(
                outgoing(new OutgoingRequest(method, HeaderList.empty(), new byte[0])).getIn(), "http://h/p",
                new NettyHttpConfiguration());

        assertThat(request.headers().get("Content-Length")).isEqualTo("0");
    }

    private static Exchange outgoing(OutgoingRequest request) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getIn().setBody(request.body());
        exchange.setProperty(OutgoingRequest.PROPERTY, request);
        return exchange;
    }

    private static Exchange answered(OutgoingResponse answer) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setHeader(NettyHttpConstants.HTTP_RESPONSE_CODE, answer.status());
        exchange.getMessage().setBody(answer.body());
        exchange.setProperty(OutgoingResponse.PROPERTY, answer);
        return exchange;
    }
}
