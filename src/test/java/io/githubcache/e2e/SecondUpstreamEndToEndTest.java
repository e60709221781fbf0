package io.githubcache.e2e;

import static io.githubcache.support.ProxyHarness.body;
import static io.githubcache.support.ProxyHarness.status;
import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.support.ProxyHarness;
import io.githubcache.support.UpstreamStub;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second upstream is one more YAML file instantiating the same route template: no Java. */
class SecondUpstreamEndToEndTest {

    @TempDir
    Path extraRoutes;

    @Test
    void secondYamlFileProxiesAndCachesASecondUpstreamOnItsOwnPort() throws Exception {
        int secondPort = ProxyHarness.freePort();
        try (UpstreamStub github = new UpstreamStub(); UpstreamStub enterprise = new UpstreamStub()) {
            Files.writeString(extraRoutes.resolve("enterprise.yaml"), """
                    - templatedRoute:
                        routeTemplateRef: github-cache-proxy
                        routeId: enterprise
                        parameters:
                          - name: port
                            value: "%d"
                          - name: upstreamUrl
                            value: "%s"
                    """.formatted(secondPort, enterprise.url()));
            try (ProxyHarness proxy = ProxyHarness.start(github.url(),
                    "camel.main.routes-include-pattern", "file:routes/*.yaml,file:" + extraRoutes + "/*.yaml")) {
                HttpResponse<byte[]> viaGithub = proxy.get("/repos/o/r");
                HttpResponse<byte[]> first = getOn(proxy, secondPort, "/repos/o/r");
                HttpResponse<byte[]> second = getOn(proxy, secondPort, "/repos/o/r");

                assertThat(status(viaGithub)).isEqualTo("MISS");
                assertThat(status(first)).isEqualTo("MISS");
                assertThat(status(second)).isEqualTo("HIT");
                assertThat(github.count("/repos/o/r")).isEqualTo(1);
                assertThat(enterprise.count("/repos/o/r")).isEqualTo(1);
                // same path on two upstreams: two separate entries, never mixed
                assertThat(first.headers().firstValue("Link")).isEmpty();
                assertThat(body(first)).isEqualTo(body(second));
            }
        }
    }

    private static HttpResponse<byte[]> getOn(ProxyHarness proxy, int port, String target) throws Exception {
        return proxy.client().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + target)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}
