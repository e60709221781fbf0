package io.githubcache.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP/1.1 response as {@link RawHttp} read it off the socket: status, header lines in order (names as
 * sent), and the body (framed by Content-Length or chunked, else everything until the connection closed).
 */
public record RawResponse(String raw, int status, List<String[]> headers, byte[] body) {

    /** Parses the first response in {@code raw}; status -1 and no headers when nothing (valid) came back. */
    public static RawResponse parse(String raw) {
        int end = raw.indexOf("\r\n\r\n");
        if (!raw.startsWith("HTTP/1.") || end < 0) {
            return new RawResponse(raw, -1, List.of(), new byte[0]);
        }
        String[] lines = raw.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.add(new String[] {lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()});
        }
        String rest = raw.substring(end + 4);
        String te = first(headers, "Transfer-Encoding");
        String cl = first(headers, "Content-Length");
        String bodyText;
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            StringBuilder sb = new StringBuilder();
            int pos = 0;
            while (true) {
                int lineEnd = rest.indexOf("\r\n", pos);
                int size = Integer.parseInt(rest.substring(pos, lineEnd).split(";")[0].trim(), 16);
                if (size == 0) {
                    break;
                }
                sb.append(rest, lineEnd + 2, lineEnd + 2 + size);
                pos = lineEnd + 2 + size + 2;
            }
            bodyText = sb.toString();
        } else if (cl != null) {
            bodyText = rest.substring(0, Math.min(rest.length(), Integer.parseInt(cl)));
        } else {
            bodyText = rest;
        }
        return new RawResponse(raw, status, headers, bodyText.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String first(List<String[]> headers, String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        return first(headers, name);
    }

    /** Every value of a header, one per line. */
    public List<String> headerValues(String name) {
        List<String> out = new ArrayList<>();
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                out.add(h[1]);
            }
        }
        return out;
    }

    public List<String> headerNames() {
        List<String> out = new ArrayList<>();
        for (String[] h : headers) {
            out.add(h[0]);
        }
        return out;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Sends {@code request} to the port and parses what comes back. */
    public static RawResponse exchange(int port, String request) throws java.io.IOException {
        return parse(RawHttp.exchange(port, request));
    }
}
