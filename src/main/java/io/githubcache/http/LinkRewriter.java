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
        StringBuilder out = new StringBuilder(linkValue.length() + 32);
        int from = 0;
        int at;
        while ((at = linkValue.indexOf(upstreamBase, from)) >= 0) {
            int end = at + upstreamBase.length();
            out.append(linkValue, from, at);
            // only a whole origin: the next character must end the host (path, query, '>' or end)
            boolean boundary = end == linkValue.length() || "/?#>;, ".indexOf(linkValue.charAt(end)) >= 0;
            out.append(boundary ? publicBase : upstreamBase);
            from = end;
        }
        return out.append(linkValue, from, linkValue.length()).toString();
    }
}
