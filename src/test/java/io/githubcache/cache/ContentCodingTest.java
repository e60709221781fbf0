package io.githubcache.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ContentCodingTest {

    private static boolean acceptsGzip(String... lines) {
        return ContentCoding.accepts(List.of(lines), ContentCoding.GZIP);
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    @Test
    void gzipIsAccepted() {
        assertThat(acceptsGzip("gzip")).isTrue();
        assertThat(acceptsGzip("gzip, deflate, br")).isTrue();
        assertThat(acceptsGzip("GZIP")).isTrue();
        assertThat(acceptsGzip("gzip;q=0.5")).isTrue();
    }

    @Test
    void gzipWithQZeroIsRefused() {
        assertThat(acceptsGzip("gzip;q=0")).isFalse();
        assertThat(acceptsGzip("gzip; q=0.000")).isFalse();
        assertThat(acceptsGzip("deflate, gzip;q=0")).isFalse();
    }

    @Test
    void explicitRefusalWinsOverStar() {
        assertThat(acceptsGzip("*, gzip;q=0")).isFalse();
        assertThat(acceptsGzip("gzip;q=0, *")).isFalse();
    }

    @Test
    void starAcceptsGzip() {
        assertThat(acceptsGzip("*")).isTrue();
        assertThat(acceptsGzip("br", "*;q=0.1")).isTrue();
    }

    @Test
    void starWithQZeroRefusesGzip() {
        assertThat(acceptsGzip("*;q=0, identity")).isFalse();
    }

    @Test
    void brOnlyRefusesGzip() {
        assertThat(acceptsGzip("br")).isFalse();
        assertThat(acceptsGzip("br, deflate")).isFalse();
    }

    @Test
    void xGzipCountsAsGzip() {
        assertThat(acceptsGzip("x-gzip")).isTrue();
        assertThat(acceptsGzip("x-gzip;q=0")).isFalse();
    }

    @Test
    void absentAcceptEncodingRefusesGzip() {
        assertThat(ContentCoding.accepts(List.of(), ContentCoding.GZIP)).isFalse();
        assertThat(acceptsGzip("")).isFalse();
    }

    @Test
    void linesAreCombined() {
        assertThat(acceptsGzip("br", "gzip")).isTrue();
        assertThat(acceptsGzip("br", "deflate")).isFalse();
    }

    @Test
    void malformedQIsTreatedAsZero() {
        assertThat(acceptsGzip("gzip;q=abc")).isFalse();
    }

    @Test
    void otherCodingsOnlyWhenNamedOrByStar() {
        assertThat(ContentCoding.accepts(List.of("br"), "br")).isTrue();
        assertThat(ContentCoding.accepts(List.of("gzip, deflate, br"), "br")).isTrue();
        assertThat(ContentCoding.accepts(List.of("*"), "br")).isTrue();
        assertThat(ContentCoding.accepts(List.of(), "br")).isFalse();
        assertThat(ContentCoding.accepts(List.of("identity"), "br")).isFalse();
        assertThat(ContentCoding.accepts(List.of("gzip"), "br")).isFalse();
        assertThat(ContentCoding.accepts(List.of("gzip, br;q=0"), "br")).isFalse();
    }

    @Test
    void identityIsAlwaysAccepted() {
        assertThat(ContentCoding.accepts(List.of(), ContentCoding.IDENTITY)).isTrue();
        assertThat(ContentCoding.accepts(List.of("br"), ContentCoding.IDENTITY)).isTrue();
    }

    @Test
    void codingOfReadsContentEncoding() {
        assertThat(ContentCoding.codingOf(HeaderList.empty())).isEqualTo("identity");
        assertThat(ContentCoding.codingOf(HeaderList.of(List.of(new Header("Content-Encoding", "  ")))))
                .isEqualTo("identity");
        assertThat(ContentCoding.codingOf(HeaderList.of(List.of(new Header("content-encoding", "gzip")))))
                .isEqualTo("gzip");
        assertThat(ContentCoding.codingOf(HeaderList.of(List.of(new Header("Content-Encoding", " GZIP ")))))
                .isEqualTo("gzip");
        assertThat(ContentCoding.codingOf(HeaderList.of(List.of(new Header("Content-Encoding", "x-gzip")))))
                .isEqualTo("gzip");
        assertThat(ContentCoding.codingOf(HeaderList.of(List.of(new Header("Content-Encoding", "br")))))
                .isEqualTo("br");
    }

    @Test
    void onlyIdentityAndGzipAreServable() {
        assertThat(ContentCoding.isServable("identity")).isTrue();
        assertThat(ContentCoding.isServable("gzip")).isTrue();
        assertThat(ContentCoding.isServable("br")).isFalse();
        assertThat(ContentCoding.isServable("deflate")).isFalse();
    }

    @Test
    void gunzipRoundTrip() throws IOException {
        byte[] plain = "{\"login\":\"octocat\",\"id\":1}".repeat(50).getBytes(StandardCharsets.UTF_8);
        byte[] gz = gzip(plain);

        assertThat(gz).isNotEqualTo(plain);
        assertThat(ContentCoding.gunzip(gz)).isEqualTo(plain);
    }

    @Test
    void gzipIsReadByTheJdksGzipStream() throws IOException {
        byte[] plain = "{\"login\":\"octocat\"}".repeat(20).getBytes(StandardCharsets.UTF_8);

        byte[] gz = ContentCoding.gzip(plain);

        assertThat(gz.length).isLessThan(plain.length);
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            assertThat(in.readAllBytes()).isEqualTo(plain);
        }
    }

    @Test
    void gunzipOfEmptyGzipStreamIsEmpty() throws IOException {
        assertThat(ContentCoding.gunzip(gzip(new byte[0]))).isEmpty();
    }

    @Test
    void onlyAGzipBodyThatDecodesToItsEndIsIntact() throws IOException {
        byte[] gz = gzip("{\"login\":\"octocat\"}".repeat(100).getBytes(StandardCharsets.UTF_8));

        assertThat(ContentCoding.isIntactGzip(gz)).isTrue();
        assertThat(ContentCoding.isIntactGzip(gzip(new byte[0]))).isTrue();
        assertThat(ContentCoding.isIntactGzip("{\"plain\":true}".getBytes(StandardCharsets.UTF_8))).isFalse();
        assertThat(ContentCoding.isIntactGzip(new byte[0])).isFalse();
        assertThat(ContentCoding.isIntactGzip(java.util.Arrays.copyOf(gz, gz.length - 4))).as("cut short").isFalse();
        byte[] flipped = gz.clone();
        flipped[gz.length - 6] ^= 0x55; // inside the CRC
        assertThat(ContentCoding.isIntactGzip(flipped)).as("CRC wrong").isFalse();
    }

    @Test
    void invalidGzipThrowsUncheckedIOException() {
        byte[] notGzip = "{\"plain\":true}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> ContentCoding.gunzip(notGzip))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("invalid gzip body");
    }

    @Test
    void truncatedGzipThrowsUncheckedIOException() throws IOException {
        byte[] gz = gzip("hello hello hello hello".getBytes(StandardCharsets.UTF_8));
        byte[] truncated = java.util.Arrays.copyOf(gz, gz.length - 6);

        assertThatThrownBy(() -> ContentCoding.gunzip(truncated)).isInstanceOf(UncheckedIOException.class);
    }
}
