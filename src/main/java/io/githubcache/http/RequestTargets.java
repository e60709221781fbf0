package io.githubcache.http;

/** Checks the raw request target byte by byte, so nothing malformed is forwarded to the upstream. */
public final class RequestTargets {

    private RequestTargets() {
    }

    /** A short reason the target is unacceptable, or null when it is fine. */
    public static String problem(String target) {
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
        }
        return null;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
