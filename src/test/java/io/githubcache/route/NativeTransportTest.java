package io.githubcache.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class NativeTransportTest {

    @Test
    void epollIsUsedOnLinuxWithTheNativesTheJarCarries() {
        String arch = System.getProperty("os.arch");
        assumeTrue(System.getProperty("os.name").startsWith("Linux") && (arch.equals("amd64") || arch.equals("aarch64")),
                "only Linux on x86_64 or aarch64 has a bundled epoll library");

        assertThat(NativeTransport.available()).isTrue();
    }
}
