package io.githubcache.http;

import io.githubcache.util.Causes;
import java.nio.channels.ClosedChannelException;

/**
 * Whether a failed upstream request is sent once more, on another connection. Only the failure nginx also retries
 * and that cannot have reached the upstream's application: a pooled keep-alive connection that had already carried
 * an answer and that the upstream closed or reset (typically as idle, a moment before the request went out) before
 * any byte of the new answer arrived. And only for GET and HEAD (every cache fill and revalidation, and passed
 * reads), which may be repeated; never twice.
 *
 * <p>Everything else costs one upstream attempt per client request, as on nginx: writes (POST, PUT, PATCH, DELETE)
 * and OPTIONS, a failure on a new connection (refused, or an upstream that closes every connection without
 * answering), a timeout, a failure after part of the answer arrived.
 */
public final class UpstreamRetryPolicy {

    /** How an upstream attempt failed, as far as retrying goes. */
    public enum Failure {
        /** The upstream closed the connection (FIN) before the whole answer. */
        CONNECTION_CLOSED,
        /** The connection failed (a reset, another I/O error, a write on it closed) before the whole answer. */
        CONNECTION_RESET,
        /** Anything else: refused, timed out, an invalid answer, a proxy error. */
        OTHER
    }

    private UpstreamRetryPolicy() {
    }

    /**
     * @param method the method sent upstream
     * @param reused whether the connection had carried a complete answer before this request
     * @param answerStarted whether any byte of this request's answer had arrived
     * @param attempt 1 for the first attempt
     */
    public static boolean retries(String method, Failure failure, boolean reused, boolean answerStarted,
            int attempt) {
        return attempt == 1 && ("GET".equals(method) || "HEAD".equals(method)) && failure != Failure.OTHER
                && reused && !answerStarted;
    }

    /**
     * {@link #retries(String, Failure, boolean, boolean, int)} for the exception the attempt failed with.
     * {@code reused}: whether the connection the request was to go out on had carried an answer before (see
     * {@link UpstreamCorrelation}), for a write that found the connection closed and gone: nothing of that request
     * left, nothing of an answer came. Any other failure says itself ({@link UpstreamConnectionLost}) or is not
     * retried.
     */
    public static boolean retries(String method, Throwable failure, boolean reused, int attempt) {
        UpstreamConnectionLost lost = Causes.find(failure, UpstreamConnectionLost.class);
        if (lost != null) {
            return retries(method, lost.isReset() ? Failure.CONNECTION_RESET : Failure.CONNECTION_CLOSED,
                    lost.reused(), lost.answerStarted(), attempt);
        }
        if (Causes.find(failure, ClosedChannelException.class) != null) {
            return retries(method, Failure.CONNECTION_CLOSED, reused, false, attempt);
        }
        return false;
    }
}
