package io.githubcache.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Looks at the first byte a connection sends (after empty lines, RFC 9112 2.2, and blanks) and refuses at once what
 * cannot be an HTTP/1 request: a request line starts with a method, a token. A TLS handshake sent to this
 * plain-HTTP port (first byte {@code 0x16}) has no line end for Netty's decoder to wait for, and the client
 * waits for the server's handshake: both sat there until the idle timeout. nginx answers 400 at once; so does
 * this. Once a connection has shown a token character, it removes itself.
 */
public final class FirstByteCheck extends ChannelInboundHandlerAdapter {

    public static final String NAME = "githubCacheFirstByte";

    /** Refused: whatever else arrives before the connection has closed is dropped. */
    private boolean refused;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof ByteBuf buf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        for (int i = buf.readerIndex(); i < buf.writerIndex(); i++) {
            byte b = buf.getByte(i);
            if (b == '\r' || b == '\n' || b == ' ' || b == '\t') {
                continue; // as Netty's decoder skips them before a request line
            }
            if (isTokenChar(b)) {
                ctx.pipeline().remove(this);
                ctx.fireChannelRead(msg);
            } else {
                refused = true;
                ReferenceCountUtil.release(msg);
                RequestGuard.refuseUnreadable(ctx, b == 0x16
                        ? "Bad Request: this port speaks plain HTTP, not TLS"
                        : "Bad Request: not an HTTP/1 request");
            }
            return;
        }
        ctx.fireChannelRead(msg); // only line ends and blanks so far
    }

    /** RFC 9110 5.6.2 tchar. */
    static boolean isTokenChar(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
    }
}
