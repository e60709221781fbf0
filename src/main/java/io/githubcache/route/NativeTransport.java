package io.githubcache.route;

/**
 * Whether Netty's epoll transport can run here (Linux on x86_64 or aarch64: the jar carries both native
 * libraries). With it, camel-netty-http's sockets skip the NIO selector's bookkeeping on every read and write;
 * elsewhere (macOS, Windows, other CPUs) the routes keep NIO rather than fail to start.
 */
public final class NativeTransport {

    private static final boolean AVAILABLE = probe();

    private NativeTransport() {
    }

    public static boolean available() {
        return AVAILABLE;
    }

    private static boolean probe() {
        if (Boolean.getBoolean("github.cache.nio")) {
            return false; // escape hatch: -Dgithub.cache.nio=true
        }
        try {
            return io.netty.channel.epoll.Epoll.isAvailable();
        } catch (LinkageError e) {
            return false;
        }
    }
}
