package io.githubcache.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.cache.HeaderList;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HeaderBlocksTest {

    private final HeaderBlocks blocks = new HeaderBlocks(HeaderBlocks.DEFAULT_MAX_BYTES);
    private final AtomicInteger built = new AtomicInteger();

    private static HeaderList stored(String etag) {
        return HeaderList.builder(2).add("Content-Type", "application/json").add("ETag", etag).build();
    }

    private byte[] encoded(HeaderList stored, String publicBase) {
        return blocks.encoded(stored, "https://api.github.com", publicBase, () -> {
            built.incrementAndGet();
            return stored;
        });
    }

    @Test
    void anEntrysLinesAreEncodedOnce() {
        HeaderList stored = stored("\"a\"");

        byte[] first = encoded(stored, "http://cache:3000");
        byte[] second = encoded(stored, "http://cache:3000");

        assertThat(second).isSameAs(first);
        assertThat(built).hasValue(1);
        assertThat(new String(first, StandardCharsets.US_ASCII))
                .isEqualTo("Content-Type: application/json\r\nETag: \"a\"\r\n");
    }

    @Test
    void anotherPublicBaseIsEncodedAgain() {
        HeaderList stored = stored("\"a\"");

        encoded(stored, "http://cache:3000");
        encoded(stored, "http://other:3000");

        assertThat(built).hasValue(2);
    }

    @Test
    void equalLinesOfAnotherEntryAreTheirOwn() {
        // a revalidated entry has a new list, possibly equal to the old one: never served the old block
        encoded(stored("\"a\""), "http://cache:3000");
        encoded(stored("\"a\""), "http://cache:3000");

        assertThat(built).hasValue(2);
    }

    @Test
    void boundedByBytes() {
        HeaderBlocks small = new HeaderBlocks(4096);
        HeaderList[] kept = new HeaderList[200];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = stored("\"" + i + "\"");
            small.encoded(kept[i], "u", "p", () -> kept[0]);
        }

        assertThat(small.estimatedBytes()).isLessThanOrEqualTo(4096);
    }
}
