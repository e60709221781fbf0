package io.githubcache.support;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Base of end-to-end tests that need one stub upstream and one proxy in front of it, fresh for each test. */
public abstract class StubbedProxyTest {

    protected UpstreamStub upstream;
    protected ProxyHarness proxy;

    /** Extra settings for the proxy, as key, value pairs. */
    protected String[] settings() {
        return new String[0];
    }

    @BeforeEach
    void startStubAndProxy() throws Exception {
        upstream = new UpstreamStub();
        proxy = ProxyHarness.start(upstream.url(), settings());
    }

    @AfterEach
    void stopStubAndProxy() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
    }
}
