package io.githubcache.route;

import io.githubcache.http.OutgoingRequest;
import io.githubcache.http.UpstreamCorrelation;
import io.githubcache.http.UpstreamRetryPolicy;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.Processor;

/**
 * The route's second upstream attempt: when the first failed as {@link UpstreamRetryPolicy} says may be retried
 * (a GET or HEAD on a reused keep-alive connection the upstream closed or reset before any byte of the answer),
 * the same {@link OutgoingRequest} (headers, validators) is sent once more, on a new connection (an endpoint of its
 * own, that opens one for it and closes it after), and its outcome goes through the same choice as a first
 * attempt's. Camel's redelivery does not apply inside the route's {@code doTry}, hence a {@code doCatch} that sends
 * again. The access log still has one line per client request; the retry is logged at DEBUG.
 */
final class RetryUpstream {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RetryUpstream.class);
    /** The number of the upstream attempt under way, when not the first. */
    static final String ATTEMPT_PROPERTY = "githubCache.upstreamAttempt";

    private RetryUpstream() {
    }

    /** Whether the attempt that just failed is to be sent again. */
    static Predicate retryable() {
        return exchange -> {
            Throwable failure = exchange.getException();
            if (failure == null) {
                failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            }
            OutgoingRequest sent = exchange.getProperty(OutgoingRequest.PROPERTY, OutgoingRequest.class);
            int attempt = exchange.getProperty(ATTEMPT_PROPERTY, 1, Integer.class);
            boolean reused = Boolean.TRUE.equals(exchange.getProperty(UpstreamCorrelation.REUSED_PROPERTY));
            return sent != null && UpstreamRetryPolicy.retries(sent.method(), failure, reused, attempt);
        };
    }

    /** Counts the attempt and forgets the first one's failure; the request itself is left as it was sent. */
    static Processor again() {
        return exchange -> {
            int attempt = exchange.getProperty(ATTEMPT_PROPERTY, 1, Integer.class) + 1;
            exchange.setProperty(ATTEMPT_PROPERTY, attempt);
            Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
            exchange.removeProperty(Exchange.EXCEPTION_CAUGHT);
            if (LOG.isDebugEnabled()) {
                ProxyExchange px = exchange.getProperty(ProxyExchange.PROPERTY, ProxyExchange.class);
                LOG.debug("{} {}: {}; attempt {} on a new connection",
                        exchange.getProperty(OutgoingRequest.PROPERTY, OutgoingRequest.class).method(),
                        px == null ? "?" : px.rawPath(), failure == null ? "failed" : failure.getMessage(), attempt);
            }
        };
    }
}
