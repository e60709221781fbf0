package io.githubcache.route;

import io.githubcache.cache.CacheKey;
import io.githubcache.cache.CacheStatus;
import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.HeaderList;
import io.githubcache.cache.RequestCachePolicy;
import io.githubcache.cache.RequestCoalescer;
import io.githubcache.http.HeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Map;

/**
 * The state of one proxied request as it moves through the route: what the client asked, what the cache
 * decided, and the response being built. Kept as one exchange property so processors stay thin and the
 * client's raw header lines never become Camel headers.
 */
public final class ProxyExchange {

    public static final String PROPERTY = "githubCache.exchange";

    /** What the route does after the lookup. */
    public enum Action {
        /** The response is ready (a fresh hit, or a waited-for result). */
        RESPOND,
        /** Go to the upstream. */
        FETCH
    }

    private final String method;
    private final String rawTarget;
    private final String protocol;
    private final String rawPath;
    private final String rawQuery;
    private final HeaderList requestHeaders;
    private final long startNanos = System.nanoTime();
    private java.net.SocketAddress remote;
    private String upstreamBase = "";
    private String publicBase = "";

    // decisions
    private RequestCachePolicy.Decision decision;
    private CacheKey key;
    private CachedResponse entry;
    private RequestCoalescer.Fill fill;
    private boolean leader;
    private boolean mayStore = true;
    private boolean revalidating;
    private boolean collapsed;
    private boolean lockWaited;
    private Action action = Action.FETCH;
    private CacheStatus status = CacheStatus.MISS;

    // response
    private int responseStatus;
    private HeaderList responseHeaders = HeaderList.empty();
    private byte[] responseBody = new byte[0];
    private Integer upstreamStatus;
    private HeaderList upstreamHeaders;
    private byte[] upstreamBody;
    private long upstreamStartNanos;
    private String detail;
    private boolean fromCache;
    private boolean stored;
    private java.time.Instant entryTime;
    private java.time.Instant entryExpiry;

    public ProxyExchange(String method, String rawTarget, HeaderList requestHeaders) {
        this(method, rawTarget, "HTTP/1.1", requestHeaders);
    }

    public ProxyExchange(String method, String rawTarget, String protocol, HeaderList requestHeaders) {
        this.method = method;
        this.protocol = protocol;
        this.rawTarget = rawTarget;
        int q = rawTarget.indexOf('?');
        this.rawPath = q < 0 ? rawTarget : rawTarget.substring(0, q);
        this.rawQuery = q < 0 ? null : rawTarget.substring(q + 1);
        this.requestHeaders = requestHeaders;
    }

    /** Reads the request line and header lines as the client sent them, dropping hop-by-hop headers. */
    public static ProxyExchange fromNetty(HttpRequest request) {
        HeaderList.Builder lines = HeaderList.builder(request.headers().size());
        io.githubcache.http.HeaderNameSet named =
                HeaderNames.connectionTokens(request.headers().getAll(HeaderNames.CONNECTION));
        for (Map.Entry<String, String> h : request.headers()) {
            if (!HeaderNames.isHopByHopOrInternal(h.getKey())
                    && !named.contains(h.getKey())) {
                lines.add(h.getKey(), h.getValue());
            }
        }
        return new ProxyExchange(request.method().name(), request.uri(), request.protocolVersion().text(),
                lines.build());
    }

    public String method() {
        return method;
    }

    public boolean isHead() {
        return "HEAD".equals(method);
    }

    /** The request's protocol as sent, e.g. {@code HTTP/1.1}, for the access log's {@code request} field. */
    public String protocol() {
        return protocol;
    }

    public String rawTarget() {
        return rawTarget;
    }

    public String rawPath() {
        return rawPath;
    }

    public String rawQuery() {
        return rawQuery;
    }

    public HeaderList requestHeaders() {
        return requestHeaders;
    }

    public java.net.SocketAddress remote() {
        return remote;
    }

    public void remote(java.net.SocketAddress r) {
        this.remote = r;
    }

    /** Which upstream this request goes to and the proxy's public URL for it (from the route template). */
    public void route(String upstreamBase, String publicBase) {
        this.upstreamBase = upstreamBase;
        this.publicBase = publicBase;
    }

    public String upstreamBase() {
        return upstreamBase;
    }

    public String publicBase() {
        return publicBase;
    }

    public long startNanos() {
        return startNanos;
    }

    public RequestCachePolicy.Decision decision() {
        return decision;
    }

    public void decision(RequestCachePolicy.Decision d) {
        this.decision = d;
    }

    public CacheKey key() {
        return key;
    }

    public void key(CacheKey k) {
        this.key = k;
    }

    public CachedResponse entry() {
        return entry;
    }

    public void entry(CachedResponse e) {
        this.entry = e;
    }

    public RequestCoalescer.Fill fill() {
        return fill;
    }

    public boolean leader() {
        return leader;
    }

    public void lead(RequestCoalescer.Fill f) {
        this.fill = f;
        this.leader = true;
    }

    public boolean mayStore() {
        return mayStore && decision != RequestCachePolicy.Decision.PASS;
    }

    public void forbidStore() {
        this.mayStore = false;
    }

    public boolean revalidating() {
        return revalidating;
    }

    public void revalidating(boolean r) {
        this.revalidating = r;
    }

    public boolean collapsed() {
        return collapsed;
    }

    public void collapsed(boolean c) {
        this.collapsed = c;
    }

    public Action action() {
        return action;
    }

    public void action(Action a) {
        this.action = a;
    }

    public CacheStatus status() {
        return status;
    }

    public void status(CacheStatus s) {
        this.status = s;
    }

    public int responseStatus() {
        return responseStatus;
    }

    public HeaderList responseHeaders() {
        return responseHeaders;
    }

    public byte[] responseBody() {
        return responseBody;
    }

    public Integer upstreamStatus() {
        return upstreamStatus;
    }

    public void upstreamStatus(Integer s) {
        this.upstreamStatus = s;
    }

    /** Headers of the upstream's own answer (null when it did not answer), whatever was sent to the client. */
    public HeaderList upstreamHeaders() {
        return upstreamHeaders;
    }

    public void upstreamHeaders(HeaderList h) {
        this.upstreamHeaders = h;
    }

    public byte[] upstreamBody() {
        return upstreamBody;
    }

    public void upstreamBody(byte[] b) {
        this.upstreamBody = b;
    }

    public long upstreamStartNanos() {
        return upstreamStartNanos;
    }

    public void upstreamStarted() {
        this.upstreamStartNanos = System.nanoTime();
    }

    /** Extra RFC 9211 detail for {@code Cache-Status}, e.g. {@code rate-limited}; null when none. */
    public String detail() {
        return detail;
    }

    public void detail(String d) {
        this.detail = d;
    }

    public boolean stored() {
        return stored;
    }

    public void stored(boolean s) {
        this.stored = s;
    }

    public boolean fromCache() {
        return fromCache;
    }

    /** Sets the response to send; {@code fromCache} marks it as coming from a stored entry (adds {@code Age}). */
    public void respondWith(int status, HeaderList headers, byte[] body, boolean fromCache) {
        this.responseStatus = status;
        this.responseHeaders = headers;
        this.responseBody = body;
        this.fromCache = fromCache;
    }

    /** True when this request already waited lock-timeout for another request's fetch (on the event loop). */
    public boolean lockWaited() {
        return lockWaited;
    }

    public void lockWaited(boolean w) {
        this.lockWaited = w;
    }

    /** Answer with a fresh stored entry: {@code HIT}, nothing sent upstream. */
    public void freshHit(CachedResponse r) {
        status(CacheStatus.HIT);
        respondWith(r, true);
        action(Action.RESPOND);
    }

    public void respondWith(CachedResponse r, boolean fromCache) {
        respondWith(r.status(), r.headers(), r.body(), fromCache);
        this.entryTime = r.storedAt();
        this.entryExpiry = r.expiresAt();
    }

    /** When the served entry was stored or last validated. */
    public java.time.Instant entryTime() {
        return entryTime;
    }

    public java.time.Instant entryExpiry() {
        return entryExpiry;
    }
}
