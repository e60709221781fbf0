package io.githubcache.log;

import com.fasterxml.jackson.core.JsonGenerator;
import io.githubcache.cache.CacheStatus;
import io.githubcache.cache.HeaderList;
import io.githubcache.http.HeaderNames;
import io.githubcache.http.StatusHeaders;
import io.githubcache.http.UnreadRequest;
import io.netty.handler.codec.http.HttpRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;
import net.logstash.logback.marker.LogstashMarker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per request on stdout, with the field names of the nginx image's {@code log_format} so
 * existing log pipelines keep working. The JSON is written by logstash-logback-encoder's Jackson generator
 * from the fields of a {@link Line}, never by string concatenation. Tokens never appear: only
 * {@code github_token_fingerprint}, and token-like query parameters are redacted from {@code request}.
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

    /** Longest request target (or unread request line) written, so a refused huge line cannot bloat the log. */
    private static final int MAX_LOGGED_TARGET = 2048;

    /**
     * The facts of one finished request. {@code rawTarget} null: {@code method} is the whole request field (the
     * line of a request that could not be read, or {@code -}).
     */
    public record Entry(SocketAddress remote, String method, String rawTarget, String protocol, int status,
            Integer upstreamStatus, HeaderList requestHeaders, HeaderList responseHeaders, CacheStatus cacheStatus,
            long startNanos, String tokenFingerprint) {
    }

    public static void log(Entry e) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        LOG.info(line(e), "");
    }

    /** The fields of one line, in the nginx image's order; encoded to JSON later, on the log's writer thread. */
    static Line line(Entry e) {
        HeaderList rh = e.responseHeaders();
        return new Line(new String[] {
            address(e.remote()),
            timeLocal(),
            e.rawTarget() == null ? redact(e.method()) : e.method() + " " + redact(e.rawTarget()) + " " + e.protocol(),
            null, // status, written as a number from Line.status
            e.upstreamStatus() == null ? "-" : e.upstreamStatus().toString(),
            orDash(e.requestHeaders().first(HeaderNames.USER_AGENT)),
            orDash(rh.first(HeaderNames.X_RATELIMIT_LIMIT)),
            orDash(rh.first(HeaderNames.X_RATELIMIT_REMAINING)),
            orDash(rh.first(HeaderNames.X_RATELIMIT_RESET)),
            orDash(rh.first(HeaderNames.X_RATELIMIT_USED)),
            orDash(rh.first(HeaderNames.X_RATELIMIT_RESOURCE)),
            orDash(rh.first(HeaderNames.ETAG)),
            e.cacheStatus().headerValue(),
            seconds(System.nanoTime() - e.startNanos()),
            e.tokenFingerprint(),
        }, e.status());
    }

    /**
     * One access-log line as a logstash marker that writes its own fields: a map of fields per request (what
     * {@code Markers.appendEntries} takes) was about a seventh of all the bytes a cache hit allocated, for its
     * entries, its table and the boxed status (JFR allocation samples, BENCHMARKS.md step 35).
     */
    static final class Line extends LogstashMarker {

        private static final String[] NAMES = {"remote_addr", "time_local", "request", "status", "upstream_status",
            "user_agent", "X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset", "X-Ratelimit-Used",
            "X-Ratelimit-Resource", "Etag", HeaderNames.X_GITHUB_CACHE_STATUS, "request_time",
            "github_token_fingerprint"};
        private static final int STATUS = 3;

        private final String[] values;
        private final int status;

        private Line(String[] values, int status) {
            super(MARKER_NAME_PREFIX + "ACCESS_LOG");
            this.values = values;
            this.status = status;
        }

        @Override
        public void writeTo(JsonGenerator generator) throws IOException {
            for (int i = 0; i < NAMES.length; i++) {
                if (i == STATUS) {
                    generator.writeNumberField(NAMES[i], status);
                } else {
                    generator.writeStringField(NAMES[i], values[i]);
                }
            }
        }

        @Override
        protected String toStringSelf() {
            StringBuilder sb = new StringBuilder("{");
            for (int i = 0; i < NAMES.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(NAMES[i]).append('=')
                        .append(i == STATUS ? String.valueOf(status) : values[i]);
            }
            return sb.append('}').toString();
        }

        // one line equals only itself (the base class compares marker names, the same for every line)
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /** A request refused before routing (malformed, oversized, CONNECT...). */
    public static void rejected(SocketAddress remote, HttpRequest request, int status) {
        if (LOG.isInfoEnabled()) {
            log(rejectedEntry(remote, request, status));
        }
    }

    /**
     * The line of a refused request names what the client sent: the method, target and version Netty read
     * (also when it failed later, on a header or the length), or the request line it could not read, or
     * {@code -} when not even that arrived whole. Never a method or version nobody sent.
     */
    static Entry rejectedEntry(SocketAddress remote, HttpRequest request, int status) {
        String method;
        String target;
        String protocol;
        if (request instanceof UnreadRequest unread) {
            method = unread.line() == null || unread.line().isEmpty() ? "-" : capped(unread.line());
            target = null;
            protocol = null;
        } else {
            method = request.method().name();
            target = capped(request.uri());
            protocol = request.protocolVersion().text();
        }
        return new Entry(remote, method, target, protocol, status, null, HeaderList.empty(), HeaderList.empty(),
                StatusHeaders.REJECTED_STATUS, System.nanoTime(), "-");
    }

    private static String capped(String s) {
        return s.length() > MAX_LOGGED_TARGET ? s.substring(0, MAX_LOGGED_TARGET) + "..." : s;
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
