package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProxyErrorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void bodyIsGithubStyleJson() throws IOException {
        JsonNode body = JSON.readTree(new ProxyError(400, "Bad Request: missing Host header").body());

        assertThat(body.isObject()).isTrue();
        assertThat(body.size()).isEqualTo(2);
        assertThat(body.get("message").asText()).isEqualTo("Bad Request: missing Host header");
        assertThat(body.get("documentation_url").asText()).isEqualTo(ProxyError.DOCUMENTATION_URL)
                .startsWith("https://");
    }

    @Test
    void bodyIsUtf8AndEscapesSpecialCharacters() throws IOException {
        String message = "quote \" backslash \\ newline \n tab \t check \u2713";
        byte[] bytes = new ProxyError(400, message).body();

        assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain("\n");
        assertThat(JSON.readTree(bytes).get("message").asText()).isEqualTo(message);
    }

    @Test
    void badGateway() throws IOException {
        ProxyError e = ProxyError.badGateway();

        assertThat(e.status()).isEqualTo(502);
        assertThat(JSON.readTree(e.body()).get("message").asText()).startsWith("Bad Gateway");
    }

    @Test
    void gatewayTimeout() throws IOException {
        ProxyError e = ProxyError.gatewayTimeout();

        assertThat(e.status()).isEqualTo(504);
        assertThat(JSON.readTree(e.body()).get("message").asText()).startsWith("Gateway Timeout");
    }
}
