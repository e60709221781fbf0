package io.githubcache.route;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which upstream each listening port proxies. The route template's parameters only exist inside Camel, so
 * each route tells the directory on every request it serves (cheap: a map lookup, a write only when new), and
 * {@link FreshHitHandler}, which runs before Camel, reads it. A port no route has served yet is unknown, and
 * its requests simply take the routed path.
 */
public final class RouteDirectory {

    /** One route's upstream base URL and the proxy's public base URL (for {@code Link}). */
    public record Route(String upstreamBase, String publicBase) {
    }

    private final ConcurrentHashMap<Integer, Route> byPort = new ConcurrentHashMap<>();

    public Route forPort(int port) {
        return byPort.get(port);
    }

    public void learn(int port, String upstreamBase, String publicBase) {
        Route known = byPort.get(port);
        if (known == null || !known.upstreamBase().equals(upstreamBase)
                || !Objects.equals(known.publicBase(), publicBase)) {
            byPort.put(port, new Route(upstreamBase, publicBase));
        }
    }
}
