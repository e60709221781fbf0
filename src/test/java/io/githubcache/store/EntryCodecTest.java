package io.githubcache.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.Header;
import io.githubcache.cache.HeaderList;
import io.githubcache.cache.Stored;
import io.githubcache.cache.VaryMarker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class EntryCodecTest {

    private static final String KEY = "https://api.github.com\nanonymous\napplication/json\n\n/repos/o/r?page=2";

    static CachedResponse response() {
        byte[] body = new byte[300];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 7);
        }
        return new CachedResponse(200, HeaderList.of(List.of(
                new Header("Content-Type", "application/json; charset=utf-8"),
                new Header("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP"),
                new Header("Vary", "Accept-Encoding, Accept, X-Requested-With"),
                new Header("ETag", "W/\"abc\""),
                new Header("X-Unicode", "välue ✓"))),
                body, Instant.parse("2026-01-01T00:00:00.123456789Z"), Instant.parse("2026-01-01T00:01:00Z"));
    }

    @Test
    void responseRoundTripsExactly() throws Exception {
        CachedResponse original = response();

        Stored decoded = EntryCodec.decode(KEY, EntryCodec.encode(KEY, original));

        assertThat(decoded).isInstanceOf(CachedResponse.class).isEqualTo(original);
        CachedResponse r = (CachedResponse) decoded;
        assertThat(r.headers().lines()).containsExactlyElementsOf(original.headers().lines());
        assertThat(r.storedAt()).isEqualTo(original.storedAt());
        assertThat(r.expiresAt()).isEqualTo(original.expiresAt());
    }

    @Test
    void emptyResponseRoundTrips() throws Exception {
        CachedResponse empty = new CachedResponse(404, HeaderList.empty(), new byte[0], Instant.EPOCH, Instant.EPOCH);

        assertThat(EntryCodec.decode(KEY, EntryCodec.encode(KEY, empty))).isEqualTo(empty);
    }

    @Test
    void varyMarkerRoundTrips() throws Exception {
        VaryMarker marker = new VaryMarker(List.of("cookie", "x-github-otp"));

        assertThat(EntryCodec.decode(KEY, EntryCodec.encode(KEY, marker))).isEqualTo(marker);
    }

    @Test
    void startsWithTheFormatVersion() {
        assertThat(EntryCodec.encode(KEY, response())[0]).isEqualTo(EntryCodec.FORMAT_VERSION);
    }

    @Test
    void everySingleBitFlipIsDetected() {
        byte[] good = EntryCodec.encode(KEY, response());
        for (int i = 0; i < good.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) (1 << bit);
                int at = i;
                assertThatThrownBy(() -> EntryCodec.decode(KEY, bad))
                        .as("flip of bit %d in byte %d", bit, at)
                        .isInstanceOf(CorruptEntryException.class);
            }
        }
    }

    @Test
    void everyTruncationIsDetected() {
        byte[] good = EntryCodec.encode(KEY, response());
        for (int len = 0; len < good.length; len++) {
            byte[] bad = Arrays.copyOf(good, len);
            assertThatThrownBy(() -> EntryCodec.decode(KEY, bad)).isInstanceOf(CorruptEntryException.class);
        }
        assertThatThrownBy(() -> EntryCodec.decode(KEY, null)).isInstanceOf(CorruptEntryException.class);
    }

    @Test
    void bytesUnderAnotherKeyAreRejected() {
        byte[] good = EntryCodec.encode(KEY, response());

        assertThatThrownBy(() -> EntryCodec.decode(KEY + "x", good))
                .isInstanceOf(CorruptEntryException.class).hasMessageContaining("checksum");
    }

    @Test
    void anotherFormatVersionIsRejectedEvenWithAValidChecksum() {
        byte[] bytes = EntryCodec.encode(KEY, response());
        bytes[0] = 2;
        reseal(KEY, bytes);

        assertThatThrownBy(() -> EntryCodec.decode(KEY, bytes))
                .isInstanceOf(CorruptEntryException.class).hasMessageContaining("format version 2");
    }

    @Test
    void malformedPayloadWithAValidChecksumIsRejected() {
        // version, kind=response, status, instants, then a header count larger than the rest
        ByteBuffer b = ByteBuffer.allocate(2 + 4 + 24 + 4 + 4);
        b.put((byte) 1).put((byte) 1).putInt(200).putLong(0).putInt(0).putLong(0).putInt(0).putInt(1_000_000);
        byte[] bytes = Arrays.copyOf(b.array(), b.capacity());
        reseal(KEY, bytes);

        assertThatThrownBy(() -> EntryCodec.decode(KEY, bytes))
                .isInstanceOf(CorruptEntryException.class).hasMessageContaining("bad length");
    }

    @Test
    void aHeaderValueWithAControlCharacterIsRejected() throws Exception {
        for (String bad : List.of("a\r\nSet-Cookie: x=1", "a\nb", "a\u0000b", "a\u0001b", "a\u007fb")) {
            byte[] bytes = EntryCodec.encode(KEY, withLine("X-Forged", bad));

            assertThatThrownBy(() -> EntryCodec.decode(KEY, bytes)).as(bad)
                    .isInstanceOf(CorruptEntryException.class).hasMessageContaining("control character");
        }
        assertThat(EntryCodec.decode(KEY, EntryCodec.encode(KEY, withLine("X-Ok", "a\tb välue"))))
                .isEqualTo(withLine("X-Ok", "a\tb välue"));
    }

    @Test
    void aHeaderNameThatIsNotATokenIsRejected() {
        for (String bad : List.of("", "Transfer-Encoding ", "Content-Length\t", "X:Y", "X-Ünicode")) {
            byte[] bytes = EntryCodec.encode(KEY, withLine(bad, "1"));

            assertThatThrownBy(() -> EntryCodec.decode(KEY, bytes)).as(bad)
                    .isInstanceOf(CorruptEntryException.class).hasMessageContaining("invalid header name");
        }
    }

    private static CachedResponse withLine(String name, String value) {
        return new CachedResponse(200, HeaderList.of(List.of(new Header(name, value))), new byte[0], Instant.EPOCH,
                Instant.EPOCH);
    }

    @Test
    void randomBytesWithValidChecksumsNeverThrowAnythingElse() {
        Random random = new Random(42);
        byte[] template = EntryCodec.encode(KEY, response());
        int decoded = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bytes = i % 2 == 0 ? new byte[6 + random.nextInt(200)] : template.clone();
            if (i % 2 == 0) {
                random.nextBytes(bytes);
                bytes[0] = 1;
                bytes[1] = (byte) (1 + random.nextInt(2));
            } else {
                for (int k = 0; k < 3; k++) {
                    bytes[2 + random.nextInt(bytes.length - 6)] = (byte) random.nextInt();
                }
            }
            reseal(KEY, bytes);
            try {
                EntryCodec.decode(KEY, bytes);
                decoded++;
            } catch (CorruptEntryException expected) {
                // fine: rejected as corrupt
            }
        }
        // some mutations only touch header or body bytes and still decode: the codec must not reject those
        assertThat(decoded).isPositive();
    }

    /** Rewrites the trailing checksum so only the payload checks can catch the change. */
    private static void reseal(String key, byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
    }
}
