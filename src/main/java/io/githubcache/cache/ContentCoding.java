package io.githubcache.cache;

import io.githubcache.http.HeaderNames;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Content coding, chosen so that a compressed body never reaches a client that cannot decode it, without
 * trusting the upstream's {@code Vary: Accept-Encoding}.
 *
 * <p>Design: when filling the cache the proxy always asks the upstream for {@code gzip} and stores that one
 * copy; a client that accepts gzip gets it as stored, any other client gets it decoded here. Versus keying
 * on the encoding this halves upstream requests and memory for mixed clients (curl without
 * {@code --compressed} next to Octokit), and GitHub's JSON compresses 5-10x, so the memory tier holds
 * several times more entries. Decoding costs a little CPU only for clients that refuse gzip.
 */
public final class ContentCoding {

    public static final String GZIP = "gzip";
    public static final String IDENTITY = "identity";

    private ContentCoding() {
    }

    /** The coding of a stored or received body: {@code identity}, {@code gzip}, or another token. */
    public static String codingOf(HeaderList responseHeaders) {
        String ce = responseHeaders.first(HeaderNames.CONTENT_ENCODING);
        if (ce == null || ce.isBlank()) {
            return IDENTITY;
        }
        String c = ce.trim().toLowerCase(Locale.ROOT);
        return c.equals("x-gzip") ? GZIP : c;
    }

    /** Whether the proxy can serve this coding to any client (it can decode it if needed). */
    public static boolean isServable(String coding) {
        return coding.equals(IDENTITY) || coding.equals(GZIP);
    }

    /** RFC 9110 section 12.5.3: does the client accept {@code coding} (q above 0, directly or via {@code *})? */
    public static boolean accepts(List<String> acceptEncodingLines, String coding) {
        if (coding.equals(IDENTITY)) {
            return true;
        }
        Double explicit = null;
        Double star = null;
        for (String line : acceptEncodingLines) {
            for (String part : line.split(",")) {
                String[] pieces = part.split(";");
                String token = pieces[0].trim().toLowerCase(Locale.ROOT);
                double q = 1.0;
                for (int i = 1; i < pieces.length; i++) {
                    String p = pieces[i].trim().toLowerCase(Locale.ROOT);
                    if (p.startsWith("q=")) {
                        try {
                            q = Double.parseDouble(p.substring(2).trim());
                        } catch (NumberFormatException e) {
                            q = 0;
                        }
                    }
                }
                if (token.equals(coding) || (coding.equals(GZIP) && token.equals("x-gzip"))) {
                    explicit = q;
                } else if (token.equals("*")) {
                    star = q;
                }
            }
        }
        if (explicit != null) {
            return explicit > 0;
        }
        return star != null && star > 0;
    }

    /** The body gzip-compressed, as GitHub sends it to clients that accept gzip (stubs and the CDS training). */
    public static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory
        }
        return out.toByteArray();
    }

    /**
     * Whether a body said to be {@code gzip} decodes to its end (header, deflate stream, CRC and length trailer).
     * A body that does not is no answer: stored, it would reach gzip clients as corrupt bytes and every other
     * client as a 502 for the entry's whole lifetime. Reads through a small buffer: nothing decoded is kept.
     */
    public static boolean isIntactGzip(byte[] body) {
        byte[] scratch = new byte[8192];
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body), scratch.length)) {
            while (in.read(scratch) >= 0) {
                // decode and drop
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public static byte[] gunzip(byte[] gz) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("invalid gzip body", e);
        }
    }
}
