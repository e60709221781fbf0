package io.githubcache.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class GunzippedCopiesTest {

    private final GunzippedCopies copies = new GunzippedCopies(GunzippedCopies.DEFAULT_MAX_BYTES);

    private static HeaderList stored(String etag) {
        return HeaderList.builder(3).add("Content-Type", "application/json").add("Content-Encoding", "gzip")
                .add("ETag", etag).build();
    }

    @Test
    void aHotEntryIsInflatedOnce() {
        byte[] plain = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] body = ContentCoding.gzip(plain);
        HeaderList lines = stored("\"a\"");

        GunzippedCopies.Copy first = copies.of(lines, body);
        GunzippedCopies.Copy second = copies.of(lines, body);

        assertThat(first.body()).isEqualTo(plain);
        assertThat(first.headers().first("Content-Encoding")).isNull();
        assertThat(first.headers().first("ETag")).isEqualTo("\"a\"");
        assertThat(second.body()).isSameAs(first.body());
        assertThat(second.headers()).isSameAs(first.headers());
        assertThat(copies.estimatedBytes()).isPositive();
    }

    @Test
    void revalidatedLinesAreTakenWithTheBodyKept() {
        byte[] body = ContentCoding.gzip("{\"id\":1}".getBytes(StandardCharsets.UTF_8));
        GunzippedCopies.Copy before = copies.of(stored("\"a\""), body);

        // a 304 keeps the stored body and brings new lines
        GunzippedCopies.Copy after = copies.of(stored("\"b\""), body);

        assertThat(after.headers().first("ETag")).isEqualTo("\"b\"");
        assertThat(after.body()).isSameAs(before.body());
    }

    @Test
    void largeBodiesAreNotKept() {
        byte[] body = ContentCoding.gzip(new byte[GunzippedCopies.MAX_COPIED_BYTES + 1]);
        HeaderList lines = stored("\"a\"");

        assertThat(copies.of(lines, body).body()).isNotSameAs(copies.of(lines, body).body());
        assertThat(copies.estimatedBytes()).isZero();
    }

    @Test
    void notGzipIsAnError() {
        assertThatThrownBy(() -> copies.of(stored("\"a\""), "not gzip".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UncheckedIOException.class);
    }
}
