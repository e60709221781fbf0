package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpstreamHostsTest {

    @Test
    void eachHostNameIsLookedUpIpLiteralsNever() {
        List<String> looked = new ArrayList<>();
        UpstreamHosts hosts = new UpstreamHosts(looked::add, false);

        hosts.keepWarm("https://api.github.com");
        hosts.keepWarm("https://API.github.com/"); // URI keeps the case: one more name, still looked up
        hosts.keepWarm("https://api.github.com/api/v3");
        hosts.keepWarm("http://127.0.0.1:8080");
        hosts.keepWarm("http://[::1]:8080");
        hosts.keepWarm("not a url");
        hosts.refreshAll();

        assertThat(hosts.hosts()).containsExactlyInAnyOrder("api.github.com", "API.github.com");
        assertThat(looked).containsExactlyInAnyOrder("api.github.com", "API.github.com");
    }

    @Test
    void aFailingLookupIsKeptToTheRefresher() {
        UpstreamHosts hosts = new UpstreamHosts(h -> {
            throw new IllegalStateException("no DNS");
        }, false);
        hosts.keepWarm("https://ghe.example.com");

        hosts.refreshAll(); // does not throw

        assertThat(hosts.hosts()).containsExactly("ghe.example.com");
    }
}
