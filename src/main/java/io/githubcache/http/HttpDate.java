package io.githubcache.http;

import io.netty.handler.codec.DateFormatter;
import java.util.Date;

/**
 * The {@code Date} header value for now, as IMF-fixdate (RFC 9110 section 6.6.1). The proxy sends one on the
 * answers it makes itself (it is their origin, and an origin server with a clock must) and adds one to an upstream
 * answer that came without (a recipient with a clock that caches or forwards it must). Not for the hot path: it
 * formats on each call, and hits carry the stored {@code Date}.
 */
public final class HttpDate {

    private HttpDate() {
    }

    public static String now() {
        return DateFormatter.format(new Date());
    }
}
