package io.githubcache.route;

import io.githubcache.cache.CacheKey;
import io.githubcache.cache.CacheKeyGenerator;
import io.githubcache.cache.CacheStatus;
import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.ClientConditionals;
import io.githubcache.cache.ContentCoding;
import io.githubcache.cache.FillResult;
import io.githubcache.cache.Freshness;
import io.githubcache.cache.GunzippedCopies;
import io.githubcache.cache.HeaderList;
import io.githubcache.cache.RequestCachePolicy;
import io.githubcache.http.HeaderBlocks;
import io.githubcache.http.HeaderNames;
import io.githubcache.http.LinkRewriter;
import io.githubcache.http.OutgoingResponse;
import io.githubcache.http.ProxyError;
import io.githubcache.http.StatusHeaders;
import io.githubcache.log.AccessLog;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.netty.http.NettyHttpConstants;

/**
 * Sends the response held in the {@link ProxyExchange}: hands it to any waiting requests, decodes gzip for
 * clients that did not ask for it (a body in any other coding such a client did not accept becomes a 502),
 * rewrites {@code Link}, answers the client's own preconditions, adds the cache status headers, and writes the
 * access log line.
 */
public final class Respond implements Processor {

    private static final List<String> NOT_IN_304 = List.of(
            HeaderNames.CONTENT_ENCODING, HeaderNames.CONTENT_TYPE, HeaderNames.CONTENT_LENGTH);

    private final CacheServices services;

    public Respond(CacheServices services) {
        this.services = services;
    }

    @Override
    public void process(Exchange exchange) {
        ProxyExchange px = exchange.getProperty(ProxyExchange.PROPERTY, ProxyExchange.class);
        Instant now = services.clock().instant();
        publishToWaiters(px, now);
        CacheLookup.releaseFillLock(exchange, services);
        OutgoingResponse response = prepare(px, now);

        // the binding sends it as it is (ProxyHttpBinding.toNettyResponse): no Camel header per line
        Message out = exchange.getMessage();
        out.getHeaders().clear();
        out.setHeader(NettyHttpConstants.HTTP_RESPONSE_CODE, response.status());
        out.setBody(response.body());
        exchange.setProperty(OutgoingResponse.PROPERTY, response);
        recordSent(px, response);
    }

    /**
     * Turns what the flow decided ({@code px}) into the response for this client: decodes gzip for clients
     * that did not ask for it, rewrites {@code Link}, answers the client's own preconditions, and adds the
     * cache status headers. Shared by the route and {@link FreshHitHandler}, so a hit looks the same whichever
     * of them serves it.
     */
    OutgoingResponse prepare(ProxyExchange px, Instant now) {
        return prepare(px, now, null);
    }

    /**
     * @param blocks where the stored lines of an entry served unchanged are kept encoded (the event loop's
     *               pipeline encodes them, see {@code ProxyResponseEncoder}); null: every line is in
     *               {@link OutgoingResponse#headers()}
     */
    OutgoingResponse prepare(ProxyExchange px, Instant now, HeaderBlocks blocks) {
        int status = px.responseStatus();
        HeaderList headers = px.responseHeaders();
        byte[] body = px.responseBody();

        // whether these lines stay the same for every request served from this entry (see blocks below)
        boolean sameForEveryRequest = px.fromCache();
        String coding = ContentCoding.codingOf(headers);
        boolean undecodable = false;
        if (ContentCoding.GZIP.equals(coding)
                && !ContentCoding.accepts(px.requestHeaders().all(HeaderNames.ACCEPT_ENCODING), ContentCoding.GZIP)) {
            try {
                GunzippedCopies.Copy copy = px.fromCache() ? services.gunzippedCopies().of(headers, body)
                        : GunzippedCopies.inflated(headers, body);
                body = copy.body();
                headers = copy.headers();
            } catch (UncheckedIOException e) {
                undecodable = true;
            }
        } else if (!ContentCoding.isServable(coding)
                && !ContentCoding.accepts(px.requestHeaders().all(HeaderNames.ACCEPT_ENCODING), coding)) {
            // a coding the proxy cannot decode (a passed request's br) to a client that did not accept it
            undecodable = true;
        }
        if (undecodable) {
            ProxyError err = ProxyError.badGateway();
            status = err.status();
            headers = UpstreamOutcomes.errorHeaders();
            body = err.body();
            sameForEveryRequest = false;
        }
        boolean notModified = status == 200 && px.decision() != RequestCachePolicy.Decision.PASS
                && ClientConditionals.notModified(px.requestHeaders(), headers);
        String age = null;
        Long ttl = null;
        if (px.fromCache()) {
            age = Long.toString(Math.max(0, Duration.between(px.entryTime(), now).toSeconds()));
            ttl = Freshness.ttlSeconds(px.entryExpiry(), now);
        }
        CacheStatus cacheStatus = px.status();
        byte[] encoded = null;
        HeaderList.Builder lines;
        if (blocks != null && sameForEveryRequest && !notModified && !px.isHead()) {
            // an entry served as stored (or its kept gunzipped copy): the same lines but the status headers
            HeaderList stored = headers;
            encoded = blocks.encoded(stored, px.upstreamBase(), px.publicBase(),
                    () -> storedLines(stored, px, false, 0).build());
            lines = HeaderList.builder(3);
        } else {
            lines = storedLines(headers, px, notModified, 3);
        }
        if (notModified) {
            status = 304;
            body = new byte[0];
        }
        if (age != null) {
            lines.add(HeaderNames.AGE, age);
        }
        lines.add(HeaderNames.X_GITHUB_CACHE_STATUS, cacheStatus.headerValue());
        lines.add(HeaderNames.CACHE_STATUS, StatusHeaders.cacheStatus(cacheStatus, ttl, px.stored(),
                px.collapsed(), px.upstreamStatus(), px.detail()));
        Integer headLength = null;
        if (px.isHead()) {
            headLength = body.length;
            body = new byte[0];
        }
        return new OutgoingResponse(status, lines.build(), body, headLength, encoded);
    }

    /** One pass over the stored lines: drop what this response replaces or must not carry, rewrite Link. */
    private static HeaderList.Builder storedLines(HeaderList headers, ProxyExchange px, boolean notModified, int extra) {
        LinkRewriter links = new LinkRewriter(px.upstreamBase(), px.publicBase());
        HeaderList.Builder lines = HeaderList.builder(headers.size() + extra);
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            if (isStatusHeader(name) || (notModified && isNotIn304(name))) {
                continue;
            }
            lines.add(name, name.equalsIgnoreCase(HeaderNames.LINK) ? links.rewrite(headers.value(i)) : headers.value(i));
        }
        return lines;
    }

    /** Metrics and the access log line for a response that was sent. */
    void recordSent(ProxyExchange px, OutgoingResponse response) {
        services.events().responded(px, response.status());
        // with encoded lines, the logged response headers (rate limit, ETag) are in the stored lines they came from
        HeaderList logged = response.encodedLines() != null ? px.responseHeaders() : response.headers();
        AccessLog.log(new AccessLog.Entry(px.remote(), px.method(), px.rawTarget(), px.protocol(), response.status(),
                px.upstreamStatus(), px.requestHeaders(), logged, px.status(), px.startNanos(),
                CacheKeyGenerator.fingerprint(px.key() == null ? CacheKey.ANONYMOUS : px.key().partition())));
    }

    /** Headers this proxy sets itself: an upstream line of the same name is replaced. */
    private static boolean isStatusHeader(String name) {
        return name.equalsIgnoreCase(HeaderNames.AGE) || name.equalsIgnoreCase(HeaderNames.X_GITHUB_CACHE_STATUS)
                || name.equalsIgnoreCase(HeaderNames.CACHE_STATUS);
    }

    private static boolean isNotIn304(String name) {
        for (String n : NOT_IN_304) {
            if (n.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** The leader hands its response, in stored form, to every request that waited for it. */
    private void publishToWaiters(ProxyExchange px, Instant now) {
        if (!px.leader()) {
            return;
        }
        services.coalescer().complete(px.key().asString(), px.fill(),
                new FillResult(forWaiters(px, now), px.requestHeaders(), px.status(), px.stored()));
    }

    /**
     * The leader's response as waiters serve it: with the lifetime of the entry it came from or just stored, so
     * their {@code Age} and {@code ttl=} are that entry's (a waiter shows {@code ttl=60} as the next hit would,
     * not the {@code ttl=-1} of an answer that expired the moment it was sent). An answer that is no entry
     * (not stored, not from the cache) carries {@code now}: waiters send it without {@code Age} or {@code ttl}.
     */
    static CachedResponse forWaiters(ProxyExchange px, Instant now) {
        boolean entry = (px.fromCache() || px.stored()) && px.entryExpiry() != null;
        return new CachedResponse(px.responseStatus(), px.responseHeaders(), px.responseBody(),
                entry ? px.entryTime() : now, entry ? px.entryExpiry() : now);
    }
}
