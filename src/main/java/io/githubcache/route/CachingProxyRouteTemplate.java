package io.githubcache.route;

import io.githubcache.config.Settings;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.netty.http.NettyHttpConstants;

/**
 * The caching flow, defined once as a route template and instantiated per upstream from YAML
 * ({@code routes/github.yaml}); a second upstream is one more YAML file.
 *
 * <pre>
 * netty-http in -> receive -> cache lookup -> choice
 *     fresh hit / waited-for result ............................. -> respond
 *     needs upstream -> prepare (validators) -> netty-http out -> choice on status
 *       (a GET/HEAD whose reused connection closed before any byte of the answer: sent once more first)
 *         304 -> refresh entry (REVALIDATED)
 *         200, 302, 404 -> store (MISS / EXPIRED)
 *         500, 502, 503, 504 -> stale entry or pass on
 *         other -> pass on
 *       on exception (refused, reset, timeout, invalid) -> stale entry, 502 or 504
 *     -> invalidate after writes -> respond
 * </pre>
 */
public final class CachingProxyRouteTemplate extends RouteBuilder {

    public static final String TEMPLATE_ID = "github-cache-proxy";
    public static final String BINDING_BEAN = "githubCacheHttpBinding";
    public static final String HEADER_FILTER_BEAN = "githubCacheHeaderFilter";
    public static final String GUARD_BEAN = "githubCacheRequestGuard";
    public static final String UPSTREAM_GUARD_BEAN = "githubCacheUpstreamGuard";
    public static final String UPSTREAM_CORRELATION_BEAN = "githubCacheUpstreamCorrelation";

    private final CacheServices services;

    public CachingProxyRouteTemplate(CacheServices services) {
        this.services = services;
    }

    @Override
    public void configure() {
        Settings s = services.settings();
        String common = "nettyHttpBinding=#" + BINDING_BEAN + "&headerFilterStrategy=#" + HEADER_FILTER_BEAN
                + "&nativeTransport=" + NativeTransport.available();
        String consumer = "netty-http:http://0.0.0.0:{{port}}/?matchOnUriPrefix=true&" + common
                + "&decoders=#" + GUARD_BEAN
                + "&httpMethodRestrict=GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS"
                + "&chunkedMaxContentLength=" + s.maxRequestBody()
                + "&maxHeaderSize=" + s.maxHeaderSize()
                + "&maxInitialLineLength=" + (s.maxUriLength() + 64)
                + "&workerCount=" + Runtime.getRuntime().availableProcessors()
                + "&muteException=true&logWarnOnBadRequest=false&keepAlive=true"
                + "&usingExecutorService=" + !routesOnTheEventLoop(services);
        String upstreamBase = "netty-http:{{upstreamUrl}}?bridgeEndpoint=true&throwExceptionOnFailure=false&" + common
                + "&connectTimeout=" + s.upstreamTimeout().toMillis()
                + "&requestTimeout=" + s.upstreamTimeout().toMillis()
                + "&chunkedMaxContentLength=" + s.maxResponseSize()
                + "&decoders=#" + UPSTREAM_GUARD_BEAN + "&correlationManager=#" + UPSTREAM_CORRELATION_BEAN
                + "&useRelativePath=true&hostnameVerification=true";
        String upstream = upstreamBase + "&keepAlive=true";
        // the second attempt (see RetryUpstream) goes on a connection opened for it and closed after its answer: an
        // endpoint of its own, whose pool never lends a connection that has been idle, as a shared pool could
        String upstreamAgain = upstreamBase + "&keepAlive=false";

        ReceiveRequest receive = new ReceiveRequest(services);
        CacheLookup lookup = new CacheLookup(services);
        PrepareUpstreamRequest prepare = new PrepareUpstreamRequest();
        UpstreamOutcomes outcomes = new UpstreamOutcomes(services);
        InvalidateAfterWrite invalidate = new InvalidateAfterWrite(services);
        RecordRateLimit recordRateLimit = new RecordRateLimit(services);
        Respond respond = new Respond(services);
        InternalError internalError = new InternalError(respond);

        routeTemplate(TEMPLATE_ID)
                .templateParameter("port", null, "Port the proxy listens on")
                .templateParameter("upstreamUrl", null, "Base URL of the upstream API, e.g. https://api.github.com")
                .templateParameter("baseUrl", "auto", "Public URL of this proxy for Link rewriting; auto = http://localhost:<port>")
                .from(consumer)
                .onException(Exception.class).handled(true).process(internalError).end()
                .setProperty(ReceiveRequest.UPSTREAM_PROPERTY, constant("{{upstreamUrl}}"))
                .setProperty(ReceiveRequest.PUBLIC_BASE_PROPERTY, constant("{{baseUrl}}"))
                .setProperty(ReceiveRequest.PORT_PROPERTY, constant("{{port}}"))
                .process(receive).id("receive-request")
                .process(lookup).id("cache-lookup")
                .choice()
                    .when(needsUpstream())
                        .process(prepare).id("prepare-upstream-request")
                        .doTry()
                            .doTry()
                                .to(upstream).id("upstream")
                            .doCatch(Exception.class).onWhen(RetryUpstream.retryable())
                                .process(RetryUpstream.again()).id("retry-upstream")
                                .to(upstreamAgain).id("upstream-again")
                            .end()
                            .choice()
                                .when(invalidResponse()).process(outcomes.invalidAnswer()).id("on-invalid-response")
                                .when(status(304)).process(outcomes.notModified()).id("on-304")
                                .when(status(200, 302, 404)).process(outcomes.storable()).id("on-storable")
                                .when(status(500, 502, 503, 504)).process(outcomes.serverError()).id("on-5xx")
                                .otherwise().process(outcomes.passThrough()).id("on-other")
                            .end()
                        .endDoTry()
                        .doCatch(Exception.class)
                            .process(outcomes.failure()).id("on-upstream-failure")
                        .end()
                        .process(invalidate).id("invalidate-after-write")
                        .process(recordRateLimit).id("record-rate-limit")
                .end()
                .process(respond).id("respond");
    }

    /**
     * Whether a request runs through the route on the event loop that read it rather than on Camel's executor
     * group. Each hand-off to that group cost a thread wake-up per request (a sixth of a revalidation's CPU),
     * and nothing before the upstream call waits there when the lower tier is the disk: a lookup is the memory
     * tier or a local read, the fill lock and every wait for another request's result are callbacks, and the
     * store after the answer already runs on the client connection's event loop. With Redis, lookups and the
     * shared fill lock are network round trips, which must not stall every connection of a loop: those keep
     * the executor.
     */
    static boolean routesOnTheEventLoop(CacheServices services) {
        return services.fillLock() == io.githubcache.cache.FillLock.NONE;
    }

    private static Predicate needsUpstream() {
        return exchange -> exchange.getProperty(ProxyExchange.PROPERTY, ProxyExchange.class).action()
                == ProxyExchange.Action.FETCH;
    }

    /** Netty turns an unparsable upstream response into a placeholder status (999): treat it as no answer. */
    private static Predicate invalidResponse() {
        return exchange -> {
            Integer code = exchange.getMessage().getHeader(NettyHttpConstants.HTTP_RESPONSE_CODE, Integer.class);
            return code == null || code < 100 || code > 599 || UpstreamOutcomes.decoderFailure(exchange) != null;
        };
    }

    private static Predicate status(int... codes) {
        return exchange -> {
            Integer code = exchange.getMessage().getHeader(NettyHttpConstants.HTTP_RESPONSE_CODE, Integer.class);
            if (code == null) {
                return false;
            }
            for (int c : codes) {
                if (c == code) {
                    return true;
                }
            }
            return false;
        };
    }

    /** Turns an unexpected failure in the flow into a GitHub-style 500, never a stack trace. */
    static final class InternalError implements org.apache.camel.Processor {
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(InternalError.class);
        private final Respond respond;

        InternalError(Respond respond) {
            this.respond = respond;
        }

        @Override
        public void process(Exchange exchange) {
            Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            LOG.error("Internal error while proxying", cause);
            ProxyExchange px = exchange.getProperty(ProxyExchange.PROPERTY, ProxyExchange.class);
            io.githubcache.http.ProxyError err = new io.githubcache.http.ProxyError(500, "Internal proxy error");
            if (px != null) {
                px.respondWith(err.status(), UpstreamOutcomes.errorHeaders(), err.body(), false);
                try {
                    respond.process(exchange);
                    return;
                } catch (RuntimeException e) {
                    LOG.error("Could not send the error response", e);
                }
            }
            exchange.removeProperty(io.githubcache.http.OutgoingResponse.PROPERTY);
            exchange.getMessage().getHeaders().clear();
            exchange.getMessage().setHeader(NettyHttpConstants.HTTP_RESPONSE_CODE, 500);
            exchange.getMessage().setHeader("Content-Type", "application/json; charset=utf-8");
            exchange.getMessage().setBody(err.body());
        }
    }
}
