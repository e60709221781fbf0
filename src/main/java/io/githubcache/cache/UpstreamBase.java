package io.githubcache.cache;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * One spelling for upstream base URLs that name the same upstream, so an operator's {@code upstream=} filter
 * matches the entries whatever case the scheme or host was written in: RFC 3986 section 6.2.2.1 and 6.2.3
 * (scheme and host are case-insensitive, a default port is the same as none). The path is left as it is:
 * it is case-sensitive.
 */
public final class UpstreamBase {

    private UpstreamBase() {
    }

    /** {@code base} with scheme and host in lower case and a default port dropped; unchanged if it is no URL. */
    public static String comparable(String base) {
        URI uri;
        try {
            uri = new URI(base);
        } catch (URISyntaxException e) {
            return base;
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            return base;
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + (uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@")
                + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port)
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }
}
