package io.githubcache.http;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the JDK's address cache warm for every upstream host name. camel-netty-http resolves the upstream's
 * host synchronously when it opens a connection, and with the disk store that happens on a Netty event loop
 * (the route runs there): a cold cache entry (the JDK keeps a lookup 30 s) would make every connection of that
 * loop wait for DNS. Here one background thread asks for each host every {@link #REFRESH}: a cached answer costs
 * it nothing, and an expired one is looked up again on this thread within a second, so the event loop almost
 * always finds it cached. A connection opened in that second, or while DNS is down and the answer has run
 * out, still waits on its loop (the JDK lets callers of the same host wait for the lookup in progress).
 */
public final class UpstreamHosts {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamHosts.class);
    static final Duration REFRESH = Duration.ofSeconds(1);

    /** The one the routes use. */
    public static final UpstreamHosts SHARED = new UpstreamHosts(UpstreamHosts::lookUp, true);

    private static final int MAX_URLS = 1024;

    private final Set<String> hosts = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, Boolean> urls = new ConcurrentHashMap<>();
    private final Consumer<String> resolver;
    private final boolean schedule;
    private volatile ScheduledExecutorService thread;

    UpstreamHosts(Consumer<String> resolver, boolean schedule) {
        this.resolver = resolver;
        this.schedule = schedule;
    }

    /** Starts refreshing the host of this upstream URL (once per host; IP literals need no lookup). */
    public void keepWarm(String upstreamUrl) {
        // called for every upstream request: the same URL string each time, so a hash lookup and no parsing
        if (upstreamUrl == null || urls.containsKey(upstreamUrl)) {
            return;
        }
        if (urls.size() < MAX_URLS) {
            urls.put(upstreamUrl, Boolean.TRUE);
        }
        String host = hostOf(upstreamUrl);
        if (host == null || !hosts.add(host)) {
            return;
        }
        if (schedule) {
            executor().scheduleWithFixedDelay(() -> refresh(host), 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Looks every known host up once (what the background thread does every {@link #REFRESH}). */
    void refreshAll() {
        hosts.forEach(this::refresh);
    }

    Set<String> hosts() {
        return Set.copyOf(hosts);
    }

    private void refresh(String host) {
        try {
            resolver.accept(host);
        } catch (RuntimeException e) {
            LOG.debug("upstream host {}: lookup failed ({})", host, e.toString());
        }
    }

    /** The host name of the URL, or null for an IP literal, a missing host or a URL that does not parse. */
    static String hostOf(String url) {
        try {
            String host = url == null ? null : new URI(url.trim()).getHost();
            if (host == null || host.isEmpty() || host.startsWith("[") || host.chars().allMatch(
                    c -> (c >= '0' && c <= '9') || c == '.')) {
                return null;
            }
            return host;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private ScheduledExecutorService executor() {
        ScheduledExecutorService t = thread;
        if (t == null) {
            synchronized (this) {
                if (thread == null) {
                    thread = Executors.newSingleThreadScheduledExecutor(r -> {
                        Thread th = new Thread(r, "github-cache-dns");
                        th.setDaemon(true);
                        return th;
                    });
                }
                t = thread;
            }
        }
        return t;
    }

    private static void lookUp(String host) {
        try {
            InetAddress.getAllByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
