package io.githubcache.http;

/**
 * Rewrites the upstream's base URL in {@code Link} headers to the proxy's public URL, so that a client
 * following pagination stays on the proxy (and on its cache). Every occurrence is replaced; nginx's
 * chained {@code sub_filter}-style rewrite only handled the first few.
 */
public final class LinkRewriter {

    private final String upstreamBase;
    private final String publicBase;

    public LinkRewriter(String upstreamBase, String publicBase) {
        this.upstreamBase = upstreamBase;
        this.publicBase = publicBase;
    }

    public String rewrite(String linkValue) {
        if (linkValue == null || upstreamBase.isEmpty() || !linkValue.contains(upstreamBase)) {
            return linkValue;
        }
        return linkValue.replace(upstreamBase, publicBase);
    }
}
