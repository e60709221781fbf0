package io.githubcache.cache;

import io.githubcache.http.HeaderNames;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/**
 * RFC 9111 section 4.1: a stored response may only serve a request whose headers named in the response's
 * {@code Vary} match the request that produced it. All {@code Vary} lines count (GitHub sends two).
 *
 * <p>Headers already in the primary {@link CacheKey} (token partition, {@code Accept}, API version) need no
 * second check. {@code Accept-Encoding} is handled by {@link ContentCoding}: the proxy always asks the
 * upstream for gzip and decodes for clients that cannot take it, so every client can be served from the
 * one stored copy. What remains (e.g. {@code Cookie}, {@code X-GitHub-OTP}) selects a variant by a hash of
 * its values, so secrets never appear in keys.
 */
public final class VaryPolicy {

    private static final java.util.Set<String> IN_PRIMARY_KEY = java.util.Set.of(
            "authorization", "accept", "x-github-api-version", "accept-encoding");

    /**
     * GitHub sends the same few {@code Vary} lines on every response; each store parsed them again. Results
     * are remembered by the lines themselves, up to this many distinct sets (an upstream inventing new ones
     * costs no more memory than that, and long lines are never kept; the rest are parsed every time).
     */
    static final int MAX_REMEMBERED = 256;
    static final int MAX_REMEMBERED_CHARS = 512;

    private final java.util.concurrent.ConcurrentHashMap<List<String>, Optional<List<String>>> parsed =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The headers that select among variants, lower-case and sorted; empty when none; {@code Optional.empty()}
     * for {@code Vary: *}, which matches no later request, so such a response is not stored.
     */
    public Optional<List<String>> selectingHeaders(HeaderList responseHeaders) {
        List<String> lines = responseHeaders.all(HeaderNames.VARY);
        Optional<List<String>> known = parsed.get(lines);
        if (known != null) {
            return known;
        }
        Optional<List<String>> result = parse(lines);
        if (parsed.size() < MAX_REMEMBERED && lines.stream().mapToInt(String::length).sum() <= MAX_REMEMBERED_CHARS) {
            parsed.putIfAbsent(List.copyOf(lines), result);
        }
        return result;
    }

    private static Optional<List<String>> parse(List<String> lines) {
        TreeSet<String> names = new TreeSet<>();
        for (String line : lines) {
            for (String part : line.split(",")) {
                String name = part.trim().toLowerCase(Locale.ROOT);
                if (name.isEmpty()) {
                    continue;
                }
                if (name.equals("*")) {
                    return Optional.empty();
                }
                if (!IN_PRIMARY_KEY.contains(name)) {
                    names.add(name);
                }
            }
        }
        return Optional.of(List.copyOf(names));
    }

    /** Identifies the variant a request selects; empty when nothing selects. */
    public String variantId(List<String> selectingHeaders, HeaderList requestHeaders) {
        if (selectingHeaders.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        boolean anyValue = false;
        for (String name : selectingHeaders) {
            String value = CacheKeyGenerator.normalise(requestHeaders.joined(name));
            anyValue |= !value.isEmpty();
            sb.append(name).append(':').append(value).append('\n');
        }
        // the common case (no Cookie, no OTP...) needs no hash on the hit path
        return anyValue ? Hashing.sha256Hex(sb.toString()) : "none";
    }
}
