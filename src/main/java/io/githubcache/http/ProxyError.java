package io.githubcache.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * A response the proxy makes itself (bad input, upstream unreachable or too slow). Shaped like GitHub's
 * own errors, {@code {"message": ..., "documentation_url": ...}}, so clients that parse GitHub errors
 * parse ours; the message is fixed text, never an exception's, so no stack trace or token can leak.
 */
public record ProxyError(int status, String message) {

    /** GitHub's own troubleshooting page: where a client that parses GitHub errors would send a user anyway. */
    public static final String DOCUMENTATION_URL =
            "https://docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static ProxyError badGateway() {
        return new ProxyError(502, "Bad Gateway: the upstream could not be reached or sent an invalid response");
    }

    /** A request that arrives while the proxy drains its in-flight requests to stop. */
    public static ProxyError shuttingDown() {
        return new ProxyError(503, "Service Unavailable: the proxy is shutting down, retry shortly");
    }

    public static ProxyError gatewayTimeout() {
        return new ProxyError(504, "Gateway Timeout: the upstream did not answer in time");
    }

    public byte[] body() {
        ObjectNode node = JSON.createObjectNode();
        node.put("message", message);
        node.put("documentation_url", DOCUMENTATION_URL);
        try {
            return JSON.writeValueAsBytes(node);
        } catch (Exception e) {
            return ("{\"message\":\"error\"}").getBytes(StandardCharsets.UTF_8);
        }
    }
}
