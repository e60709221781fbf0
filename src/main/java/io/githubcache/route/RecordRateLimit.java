package io.githubcache.route;

import io.githubcache.cache.CacheKeyGenerator;
import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.HeaderList;
import io.githubcache.http.HeaderNames;
import io.githubcache.ratelimit.RateLimitPolicy;
import java.time.Instant;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * After an upstream answer: reports the token's rate-limit numbers (for metrics) and, when GitHub says the
 * token is exhausted or must back off, records until when, so {@link CacheLookup} stops sending requests
 * that are certain to be refused.
 */
public final class RecordRateLimit implements Processor {

    private final CacheServices services;

    public RecordRateLimit(CacheServices services) {
        this.services = services;
    }

    @Override
    public void process(Exchange exchange) {
        ProxyExchange px = exchange.getProperty(ProxyExchange.PROPERTY, ProxyExchange.class);
        HeaderList h = px.upstreamHeaders();
        Integer status = px.upstreamStatus();
        if (h == null || status == null) {
            return;
        }
        String partition = px.key().partition();
        String resource = RateLimitPolicy.resourceOf(h, px.rawPath());
        reportNumbers(partition, resource, h);
        if (!services.settings().respectRateLimit()) {
            return;
        }
        Instant now = services.clock().instant();
        Optional<Instant> until = services.rateLimitPolicy().blockedUntil(status, h, now);
        if (until.isPresent()) {
            CachedResponse refusal = (status == 403 || status == 429)
                    ? new CachedResponse(status, h, px.upstreamBody() == null ? new byte[0] : px.upstreamBody(), now,
                            until.get())
                    : null;
            services.rateLimits().block(px.key().partitionPrefix(), resource, until.get(), refusal);
        } else if (status < 400) {
            services.rateLimits().clear(px.key().partitionPrefix(), resource);
        }
    }

    private void reportNumbers(String partition, String resource, HeaderList h) {
        try {
            String limit = h.first(HeaderNames.X_RATELIMIT_LIMIT);
            String remaining = h.first(HeaderNames.X_RATELIMIT_REMAINING);
            String reset = h.first(HeaderNames.X_RATELIMIT_RESET);
            if (limit != null && remaining != null && reset != null) {
                services.events().rateLimitSeen(CacheKeyGenerator.fingerprint(partition), resource,
                        Long.parseLong(limit.trim()), Long.parseLong(remaining.trim()), Long.parseLong(reset.trim()));
            }
        } catch (NumberFormatException e) {
            // not GitHub's numbers: nothing to report
        }
    }
}
