package io.githubcache.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import org.apache.camel.component.netty.NettyCamelState;
import org.apache.camel.component.netty.NettyCamelStateCorrelationManager;

/**
 * camel-netty's record of the exchange waiting on each upstream connection, kept as its default one keeps it (one
 * per connection), plus what a retry needs to know the moment the exchange is recorded, just before camel-netty
 * writes the request, and not when the write reaches {@link UpstreamResponseGuard}, which may be too late:
 *
 * <ul>
 *   <li>the guard is told a request is on its way ({@link UpstreamResponseGuard#requestStarting}), so that a
 *       close the upstream makes before the write fails it as an {@link UpstreamConnectionLost} rather than as
 *       camel-netty's "No response received";</li>
 *   <li>the exchange gets {@link #REUSED_PROPERTY}: whether the connection had carried an answer before. When the
 *       connection is gone altogether before the write (its pipeline, the guard with it, removed), the write fails
 *       with a bare {@link java.nio.channels.ClosedChannelException}, and this says whether the connection was a
 *       pooled one the upstream closed ({@link UpstreamRetryPolicy}).</li>
 * </ul>
 */
public final class UpstreamCorrelation implements NettyCamelStateCorrelationManager {

    /** Boolean exchange property: the connection the request is written on had carried an answer before. */
    public static final String REUSED_PROPERTY = "githubCache.upstreamConnectionReused";

    private final Map<Channel, NettyCamelState> states = new ConcurrentHashMap<>();

    @Override
    public void putState(Channel channel, NettyCamelState state) {
        UpstreamResponseGuard.requestStarting(channel, doneOf(state));
        state.getExchange().setProperty(REUSED_PROPERTY, UpstreamResponseGuard.answeredBefore(channel));
        states.put(channel, state);
    }

    /**
     * Whether the exchange is done, asked of a connection that outlives it: an idle pooled connection keeps this
     * until its next request, so it must not keep the exchange, and with it the whole answer's body (up to
     * max-response-size on each idle connection). An exchange no longer reachable is one nobody can complete.
     */
    static BooleanSupplier doneOf(NettyCamelState state) {
        WeakReference<NettyCamelState> ref = new WeakReference<>(state);
        return () -> {
            NettyCamelState s = ref.get();
            return s == null || s.isDone();
        };
    }

    @Override
    public void removeState(ChannelHandlerContext ctx, Channel channel) {
        states.remove(channel);
    }

    /**
     * The answer has come: camel-netty completes the exchange with it before this read returns, and would remove
     * the record only when the connection closes, so an idle pooled connection kept its last exchange, the whole
     * answer's body with it (up to max-response-size each). The record goes once the read is over and the
     * exchange done (a state not done yet stays: camel-netty has more to read for it).
     */
    @Override
    public NettyCamelState getState(ChannelHandlerContext ctx, Channel channel, Object msg) {
        NettyCamelState state = states.get(channel);
        if (state != null) {
            try {
                channel.eventLoop().execute(() -> {
                    if (state.isDone()) {
                        states.remove(channel, state);
                    }
                });
            } catch (RejectedExecutionException stopping) {
                // the loop is shutting down: the connection closes with it, and camel-netty removes the record then
            }
        }
        return state;
    }

    @Override
    public NettyCamelState getState(ChannelHandlerContext ctx, Channel channel, Throwable cause) {
        return states.get(channel);
    }
}
