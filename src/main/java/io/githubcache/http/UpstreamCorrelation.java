package io.githubcache.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
        UpstreamResponseGuard.requestStarting(channel, state::isDone);
        state.getExchange().setProperty(REUSED_PROPERTY, UpstreamResponseGuard.answeredBefore(channel));
        states.put(channel, state);
    }

    @Override
    public void removeState(ChannelHandlerContext ctx, Channel channel) {
        states.remove(channel);
    }

    @Override
    public NettyCamelState getState(ChannelHandlerContext ctx, Channel channel, Object msg) {
        return states.get(channel);
    }

    @Override
    public NettyCamelState getState(ChannelHandlerContext ctx, Channel channel, Throwable cause) {
        return states.get(channel);
    }
}
