package io.githubcache.route;

import io.githubcache.cache.CacheFill;
import io.githubcache.cache.CacheStatus;
import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.ContentCoding;
import io.githubcache.cache.Header;
import io.githubcache.cache.HeaderList;
import io.githubcache.cache.RequestCachePolicy;
import io.githubcache.http.HeaderNameSet;
import io.githubcache.http.HeaderNames;
import io.githubcache.http.HttpDate;
import io.githubcache.http.OutgoingRequest;
import io.githubcache.http.ProxyError;
import io.githubcache.util.Causes;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.TimeoutException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeTimedOutException;
import org.apache.camel.Processor;
import org.apache.camel.component.netty.http.NettyHttpMessage;

/**
 * What to do with each kind of upstream answer; the route's {@code choice} picks one of these processors.
 * Each sets the response in the {@link ProxyExchange}; {@link Respond} then sends it.
 */
public final class UpstreamOutcomes {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UpstreamOutcomes.class);
    /** Headers a 304 must not change in the stored entry: they describe the stored body (RFC 9111 section 4.3.4). */
    private static final HeaderNameSet KEEP_ON_304 = HeaderNameSet.of(
            HeaderNames.CONTENT_LENGTH, HeaderNames.CONTENT_ENCODING, HeaderNames.CONTENT_TYPE,
            HeaderNames.CONTENT_RANGE, HeaderNames.TRANSFER_ENCODING);

    private final CacheServices services;

    public UpstreamOutcomes(CacheServices services) {
        this.services = services;
    }

    /** 304 to our conditional request: the entry is still good; refresh its headers and lifetime. */
    public Processor notModified() {
        return exchange -> {
            ProxyExchange px = px(exchange);
            UpstreamResponse up = UpstreamResponse.read(exchange);
            received(px, up);
            CachedResponse entry = px.entry();
            if (!px.revalidating() || entry == null) {
                OutgoingRequest sent = exchange.getProperty(OutgoingRequest.PROPERTY, OutgoingRequest.class);
                if (sent != null && !askedConditionally(sent.headers())) {
                    // the request sent upstream asked nothing "only if changed": a 304 is no answer to it
                    LOG.warn("upstream answered 304 to a request without validators");
                    staleOr(px, ProxyError.badGateway());
                    return;
                }
                passThrough(px, up);
                return;
            }
            Instant now = services.clock().instant();
            HeaderList merged = entry.headers().updatedWith(up.headers(), KEEP_ON_304);
            Duration life = services.responsePolicy().lifetimeAfterRevalidation(entry.status());
            CachedResponse refreshed = entry.withHeadersAndLifetime(merged, now, now.plus(life));
            boolean stored = px.mayStore() && services.cache().refresh(px.key(), px.requestHeaders(), refreshed,
                    px.upstreamStartNanos());
            px.stored(stored);
            px.status(CacheStatus.REVALIDATED);
            px.respondWith(refreshed, true);
        };
    }

    /**
     * 200, 302 or 404: store it (if the policies allow) and send it; but a fill's answer that cannot be one (see
     * {@link CacheFill}), or a body to be stored that says gzip and is not, is no answer (as an unreadable
     * response is): the expired entry, else 502. Answers that are not stored (a write's, {@code /rate_limit}'s)
     * go on as they came.
     */
    public Processor storable() {
        return exchange -> {
            ProxyExchange px = px(exchange);
            UpstreamResponse up = UpstreamResponse.read(exchange);
            received(px, up);
            if (notAFillAnswer(px, up)) {
                return;
            }
            Instant now = services.clock().instant();
            Optional<Duration> life = services.responsePolicy().lifetime(up.status(), up.headers(), up.body().length);
            boolean toStore = px.mayStore() && life.isPresent();
            if (toStore && up.body().length > 0 && ContentCoding.GZIP.equals(ContentCoding.codingOf(up.headers()))
                    && !ContentCoding.isIntactGzip(up.body())) {
                LOG.warn("upstream answered {} with a body that is not the gzip it says it is", up.status());
                staleOr(px, ProxyError.badGateway());
                return;
            }
            CachedResponse response = new CachedResponse(up.status(), up.headers(), up.body(), now,
                    now.plus(life.orElse(Duration.ZERO)));
            boolean stored = false;
            if (toStore) {
                stored = services.cache().store(px.key(), px.requestHeaders(), response, px.upstreamStartNanos());
            }
            px.stored(stored);
            px.respondWith(response, false);
        };
    }

    /** 500, 502, 503, 504: serve the expired entry if it may still be served (RFC 5861), else pass the error on. */
    public Processor serverError() {
        return exchange -> {
            ProxyExchange px = px(exchange);
            UpstreamResponse up = UpstreamResponse.read(exchange);
            received(px, up);
            if (!notAFillAnswer(px, up) && !serveStale(px)) {
                passThrough(px, up);
            }
        };
    }

    /**
     * Any other status: forwarded as is, never stored; except that a rate-limit refusal (403/429 that GitHub
     * marks as such) of a request with an expired entry serves that entry, as an upstream error would.
     */
    public Processor passThrough() {
        return exchange -> {
            ProxyExchange px = px(exchange);
            UpstreamResponse up = UpstreamResponse.read(exchange);
            received(px, up);
            if (notAFillAnswer(px, up)) {
                return;
            }
            boolean refusal = (up.status() == 403 || up.status() == 429) && services.settings().respectRateLimit()
                    && services.rateLimitPolicy().blockedUntil(up.status(), up.headers(),
                            services.clock().instant()).isPresent();
            if (!(refusal && serveStale(px))) {
                passThrough(px, up);
            }
        };
    }

    /** No answer at all (refused, reset, timed out): stale entry, else 502 or 504. */
    public Processor failure() {
        return exchange -> {
            Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            fail(exchange, cause != null ? cause : exchange.getException());
        };
    }

    /**
     * An answer Netty could not parse (its decoder's failure, or a placeholder status): stale entry, else 502. The
     * exchange carries no exception for it; the decoder's failure says what was wrong.
     */
    public Processor invalidAnswer() {
        return exchange -> fail(exchange, decoderFailure(exchange));
    }

    /** Why Netty's decoder could not parse the upstream answer in the exchange, or null when it could. */
    static Throwable decoderFailure(Exchange exchange) {
        // a decoder result's cause is null unless it is a failure
        return exchange.getMessage() instanceof NettyHttpMessage m && m.getHttpResponse() != null
                ? m.getHttpResponse().decoderResult().cause() : null;
    }

    private void fail(Exchange exchange, Throwable cause) {
        ProxyExchange px = px(exchange);
        exchange.setException(null);
        px.upstreamStatus(null);
        services.events().upstreamAnswered(-1, System.nanoTime() - px.upstreamStartNanos());
        boolean timeout = isTimeout(cause);
        // nginx's error log says why an upstream request failed; the access log only says 502 or 504
        LOG.warn("upstream {} for {} {}: {}", timeout ? "timed out" : "failed", px.method(), px.rawPath(),
                describe(cause));
        staleOr(px, timeout ? ProxyError.gatewayTimeout() : ProxyError.badGateway());
    }

    /**
     * An answer that cannot answer this cache fill (see {@link CacheFill#isAnswer}) is treated as an invalid
     * response: the expired entry, else 502; true when so answered.
     */
    private boolean notAFillAnswer(ProxyExchange px, UpstreamResponse up) {
        if (px.decision() == RequestCachePolicy.Decision.PASS || CacheFill.isAnswer(up.status(), up.headers())) {
            return false;
        }
        LOG.warn("upstream answered {} (content coding {}) to a cache fill, which asked for the complete resource "
                + "in gzip or identity", up.status(), ContentCoding.codingOf(up.headers()));
        staleOr(px, ProxyError.badGateway());
        return true;
    }

    private void staleOr(ProxyExchange px, ProxyError error) {
        if (!serveStale(px)) {
            px.respondWith(error.status(), errorHeaders(), error.body(), false);
        }
    }

    /** Whether a request carries a validator, so that 304 can answer it. */
    static boolean askedConditionally(HeaderList requestHeaders) {
        return requestHeaders.contains(HeaderNames.IF_NONE_MATCH) || requestHeaders.contains(HeaderNames.IF_MODIFIED_SINCE);
    }

    private void received(ProxyExchange px, UpstreamResponse up) {
        px.upstreamStatus(up.status());
        px.upstreamHeaders(up.headers());
        px.upstreamBody(up.body());
        services.events().upstreamAnswered(up.status(), System.nanoTime() - px.upstreamStartNanos());
    }

    public static HeaderList errorHeaders() {
        return HeaderList.of(List.of(new Header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8"),
                new Header(HeaderNames.DATE, HttpDate.now())));
    }

    private boolean serveStale(ProxyExchange px) {
        CachedResponse entry = px.entry();
        if (entry == null || px.decision() != RequestCachePolicy.Decision.LOOKUP
                || !services.freshness().mayServeStale(entry, services.clock().instant())) {
            return false;
        }
        px.status(CacheStatus.STALE);
        px.respondWith(entry, true);
        return true;
    }

    private static void passThrough(ProxyExchange px, UpstreamResponse up) {
        px.respondWith(up.status(), up.headers(), up.body(), false);
    }

    private static final int MAX_MESSAGE = 160;

    /** The failure and its causes in one line, without stack traces, each cause's message cut at 160 characters. */
    static String describe(Throwable t) {
        if (t == null) {
            return "an answer that could not be parsed";
        }
        return Causes.chain(t).limit(4).map(c -> {
            String message = c.getMessage();
            // Netty puts a hex dump of what it read in some (a TLS connection to a plain HTTP port)
            return c.getClass().getSimpleName() + (message == null ? ""
                    : ": " + (message.length() <= MAX_MESSAGE ? message : message.substring(0, MAX_MESSAGE) + "..."));
        }).collect(Collectors.joining(" <- "));
    }

    static boolean isTimeout(Throwable t) {
        return Causes.chain(t).anyMatch(c -> c instanceof ExchangeTimedOutException || c instanceof TimeoutException
                || c instanceof ConnectTimeoutException || c instanceof SocketTimeoutException
                || c instanceof java.util.concurrent.TimeoutException);
    }

    private static ProxyExchange px(Exchange exchange) {
        return exchange.getProperty(ProxyExchange.PROPERTY, ProxyExchange.class);
    }
}
