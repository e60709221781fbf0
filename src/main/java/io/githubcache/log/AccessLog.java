package io.githubcache.log;

import io.githubcache.cache.CacheStatus;
import io.githubcache.cache.HeaderList;
import io.githubcache.http.HeaderNames;
import io.githubcache.http.StatusHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import net.logstash.logback.marker.Markers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per request on stdout, with the field names of the nginx image's {@code log_format} so
 * existing log pipelines keep working. The JSON is written by logstash-logback-encoder from a map of
 * fields, never by string concatenation. Tokens never appear: only {@code github_token_fingerprint}, and
 * token-like query parameters are redacted from {@code request}.
 */
public final class AccessLog {

    public static final String LOGGER_NAME = "github-cache.access";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);
    private static final DateTimeFormatter NGINX_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
    private static final Pattern SECRET_PARAMS =
            Pattern.compile("(?i)([?&](?:access_token|client_secret|token|client_id)=)[^&]*");

    private AccessLog() {
    }

    /** The facts of one finished request. */
    public record Entry(SocketAddress remote, String method, String rawTarget, String protocol, int status,
            Integer upstreamStatus, HeaderList requestHeaders, HeaderList responseHeaders, CacheStatus cacheStatus,
            long startNanos, String tokenFingerprint) {
    }

    public static void log(Entry e) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("remote_addr", address(e.remote()));
        f.put("time_local", timeLocal());
        f.put("request", e.method() + " " + redact(e.rawTarget()) + " " + e.protocol());
        f.put("status", e.status());
        f.put("upstream_status", e.upstreamStatus() == null ? "-" : e.upstreamStatus().toString());
        f.put("user_agent", orDash(e.requestHeaders().first(HeaderNames.USER_AGENT)));
        HeaderList rh = e.responseHeaders();
        f.put("X-Ratelimit-Limit", orDash(rh.first(HeaderNames.X_RATELIMIT_LIMIT)));
        f.put("X-Ratelimit-Remaining", orDash(rh.first(HeaderNames.X_RATELIMIT_REMAINING)));
        f.put("X-Ratelimit-Reset", orDash(rh.first(HeaderNames.X_RATELIMIT_RESET)));
        f.put("X-Ratelimit-Used", orDash(rh.first(HeaderNames.X_RATELIMIT_USED)));
        f.put("X-Ratelimit-Resource", orDash(rh.first(HeaderNames.X_RATELIMIT_RESOURCE)));
        f.put("Etag", orDash(rh.first(HeaderNames.ETAG)));
        f.put(HeaderNames.X_GITHUB_CACHE_STATUS, e.cacheStatus().headerValue());
        f.put("request_time", seconds(System.nanoTime() - e.startNanos()));
        f.put("github_token_fingerprint", e.tokenFingerprint());
        LOG.info(Markers.appendEntries(f), "");
    }

    /** A request refused before routing (malformed, oversized, CONNECT...). */
    public static void rejected(SocketAddress remote, HttpRequest request, int status) {
        String target = request.decoderResult().isFailure() ? "-" : request.uri();
        if (target.length() > 2048) {
            target = target.substring(0, 2048) + "...";
        }
        log(new Entry(remote, request.method().name(), target, request.protocolVersion().text(), status, null,
                HeaderList.empty(), HeaderList.empty(), StatusHeaders.REJECTED_STATUS, System.nanoTime(), "-"));
    }

    /**
     * Formats the time once, off the request path: the first format loads the JDK's locale data for month names,
     * about 7 ms that the first request after startup would otherwise wait for.
     */
    public static void warmUp() {
        timeLocal();
    }

    /** nginx's {@code $time_local}; formatted once per second, not per request (it showed in profiles). */
    private static String timeLocal() {
        long second = System.currentTimeMillis() / 1000;
        CachedTime c = lastTime;
        if (c == null || c.second != second) {
            c = new CachedTime(second, NGINX_TIME.format(ZonedDateTime.now()));
            lastTime = c;
        }
        return c.text;
    }

    private record CachedTime(long second, String text) {
    }

    private static volatile CachedTime lastTime;

    /** nginx's {@code $request_time}: seconds with millisecond resolution, e.g. {@code 0.012}. */
    static String seconds(long nanos) {
        long ms = Math.max(0, nanos / 1_000_000);
        long whole = ms / 1000;
        long frac = ms % 1000;
        return whole + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }

    static String redact(String target) {
        if (target.indexOf('?') < 0) {
            return target;
        }
        return SECRET_PARAMS.matcher(target).replaceAll("$1REDACTED");
    }

    private static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress i && i.getAddress() != null) {
            return i.getAddress().getHostAddress();
        }
        return a == null ? "-" : a.toString();
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
