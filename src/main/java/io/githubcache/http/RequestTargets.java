package io.githubcache.http;

/** Checks the raw request target byte by byte, so nothing malformed is forwarded to the upstream. */
public final class RequestTargets {

    static final String DOT_SEGMENT = "the request target must not contain a \".\" or \"..\" path segment";

    private RequestTargets() {
    }

    /**
     * A short reason the target is unacceptable, or null when it is fine.
     *
     * <p>A path segment {@code .} or {@code ..}, raw or percent-encoded ({@code %2e}, {@code .%2E}), is refused:
     * the proxy forwards and keys the raw target byte for byte, so an upstream (or anything in between) that
     * normalises the path would answer another resource than the one keyed, climb out of an upstream base path
     * ({@code /api/v3} of GitHub Enterprise), or reach {@code /rate_limit} under a key the cache stores. nginx
     * refuses targets that climb above the root and matches locations on the normalised path; refusing every
     * dot-segment keeps the raw target the only one, and clients never send them (they resolve them first, RFC
     * 3986 section 5.2.4). Segments that only start with dots ({@code .github}, {@code ...}) are names, and the
     * query is not a path.
     */
    public static String problem(String target) {
        int segmentStart = 0;
        boolean inPath = true;
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return "the request target contains a control, space or non-ASCII character";
            }
            if (c == '#') {
                return "the request target must not contain a fragment";
            }
            if (c == '\\') {
                return "the request target contains a backslash";
            }
            if (c == '%') {
                if (i + 2 >= target.length() || !isHex(target.charAt(i + 1)) || !isHex(target.charAt(i + 2))) {
                    return "invalid percent-encoding in the request target";
                }
            }
            if (inPath && (c == '/' || c == '?')) {
                if (isDotSegment(target, segmentStart, i)) {
                    return DOT_SEGMENT;
                }
                segmentStart = i + 1;
                inPath = c == '/';
            }
        }
        return inPath && isDotSegment(target, segmentStart, target.length()) ? DOT_SEGMENT : null;
    }

    /** Whether {@code target[from, to)} is one or two dots, each written {@code .} or {@code %2e} (any case). */
    private static boolean isDotSegment(String target, int from, int to) {
        int length = to - from;
        if (length == 0 || length > 6 || (target.charAt(from) != '.' && target.charAt(from) != '%')) {
            return false; // the common case, one comparison per segment
        }
        int dots = 0;
        int i = from;
        while (i < to) {
            if (target.charAt(i) == '.') {
                i++;
            } else if (i + 3 <= to && target.charAt(i) == '%' && target.charAt(i + 1) == '2'
                    && (target.charAt(i + 2) == 'e' || target.charAt(i + 2) == 'E')) {
                i += 3;
            } else {
                return false;
            }
            dots++;
        }
        return dots <= 2;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
