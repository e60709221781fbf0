package io.githubcache.route;

import io.githubcache.cache.RequestCachePolicy;
import io.githubcache.http.HeaderNames;
import java.net.URI;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * RFC 9111 section 4.4: a successful write invalidates what is cached for its target, and for the
 * {@code Location} / {@code Content-Location} it names on the same upstream, in the writer's token
 * partition, so a client that writes then reads sees its write.
 */
public final class InvalidateAfterWrite implements Processor {

    private final CacheServices services;

    public InvalidateAfterWrite(CacheServices services) {
        this.services = services;
    }

    @Override
    public void process(Exchange exchange) {
        ProxyExchange px = exchange.getProperty(ProxyExchange.PROPERTY, ProxyExchange.class);
        Integer status = px.upstreamStatus();
        if (!RequestCachePolicy.isUnsafe(px.method()) || status == null || status < 200 || status >= 400) {
            return;
        }
        String partition = px.key().partition();
        services.cache().invalidatePath(px.upstreamBase(), partition, px.rawPath());
        for (String name : new String[] {HeaderNames.LOCATION, HeaderNames.CONTENT_LOCATION}) {
            String loc = px.responseHeaders().first(name);
            String path = sameUpstreamPath(px.upstreamBase(), loc);
            if (path != null) {
                services.cache().invalidatePath(px.upstreamBase(), partition, path);
            }
        }
    }

    /** The raw path of {@code location} when it points at the same upstream (absolute or relative), else null. */
    static String sameUpstreamPath(String upstreamBase, String location) {
        if (location == null || location.isBlank()) {
            return null;
        }
        try {
            URI base = URI.create(upstreamBase + "/");
            URI resolved = base.resolve(location.trim());
            if (!base.getScheme().equalsIgnoreCase(resolved.getScheme())
                    || !base.getRawAuthority().equalsIgnoreCase(resolved.getRawAuthority())) {
                return null;
            }
            String basePath = URI.create(upstreamBase).getRawPath();
            String path = resolved.getRawPath();
            if (basePath != null && !basePath.isEmpty()) {
                if (!path.equals(basePath) && !path.startsWith(basePath.endsWith("/") ? basePath : basePath + "/")) {
                    return null;
                }
                path = path.substring(basePath.length());
            }
            return path.isEmpty() ? "/" : path;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
