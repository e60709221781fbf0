package io.githubcache.http;

import io.netty.buffer.ByteBuf;

/**
 * Whether the start of a line inside a chunked request body, still without its line end, can no longer become a
 * valid line. Netty's decoder waits for the line end (up to the request line limit, 8 KB) before it parses a
 * chunk-size line, so a client that sends {@code abc} and then binary junk without a newline held the connection
 * until the idle timeout; nginx, which parses the chunk size byte by byte, answers 400 at once.
 *
 * <p>Such a line is a chunk-size line ({@code 1*HEXDIG *(BWS ";" chunk-ext)}) or, after the last chunk, a trailer
 * field line ({@code token ":" value}); where the body is is not known here, so a line is refused only when it
 * fits neither (RFC 9112 sections 7.1 and 7.1.2): a control character other than HTAB (a CR only as the last byte,
 * waiting for its LF), DEL, or, before the first {@code ;} or {@code :}, a byte that is neither a token character
 * nor a blank (bytes over 0x7F may only appear in a quoted extension value or a field value).
 */
final class PendingChunkLine {

    private PendingChunkLine() {
    }

    /** True when the readable bytes of {@code line} cannot begin a chunk-size line or a trailer line. */
    static boolean cannotBeValid(ByteBuf line) {
        boolean afterSeparator = false;
        int end = line.writerIndex();
        for (int i = line.readerIndex(); i < end; i++) {
            int b = line.getByte(i) & 0xff;
            if (b == '\n') {
                return false; // a complete line: the decoder judges it
            }
            if (b == '\r') {
                if (i + 1 < end && line.getByte(i + 1) != '\n') {
                    return true; // a CR not followed by LF
                }
                continue;
            }
            if ((b < 0x20 && b != '\t') || b == 0x7f) {
                return true;
            }
            if (afterSeparator) {
                continue; // SP, HTAB, VCHAR and bytes over 0x7F may follow
            }
            if (b == ';' || b == ':') {
                afterSeparator = true;
            } else if (b >= 0x80 || !(b == ' ' || b == '\t' || FirstByteCheck.isTokenChar((byte) b))) {
                return true;
            }
        }
        return false;
    }
}
