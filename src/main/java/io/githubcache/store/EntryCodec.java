package io.githubcache.store;

import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.HeaderList;
import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import io.githubcache.cache.Stored;
import io.githubcache.cache.VaryMarker;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The byte form of a {@link Stored} value in a persistent (or network) store.
 *
 * <pre>
 * byte    format version (1)
 * byte    kind: 1 = CachedResponse, 2 = VaryMarker
 * ...     payload (big-endian):
 *           CachedResponse: int status, long+int storedAt, long+int expiresAt,
 *                           int header count, (str name, str value)*, int body length, body
 *           VaryMarker:     int name count, str*
 *         where str = int UTF-8 length + UTF-8 bytes
 * int     CRC32C over the UTF-8 bytes of the store key, then every byte above
 * </pre>
 *
 * The key is covered by the checksum but not stored, so bytes that end up under another key (a damaged
 * index) fail the check like flipped bytes do. Anything that does not decode exactly, a different format
 * version included, is a {@link CorruptEntryException}: the caller treats it as a miss and drops it.
 */
public final class EntryCodec {

    public static final byte FORMAT_VERSION = 1;
    static final byte KIND_RESPONSE = 1;
    static final byte KIND_VARY = 2;
    private static final int MAX_LIST = 100_000;

    private EntryCodec() {
    }

    public static byte[] encode(String key, Stored value) {
        Buffer bytes = new Buffer(sizeHint(value));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT_VERSION);
            if (value instanceof CachedResponse r) {
                out.writeByte(KIND_RESPONSE);
                out.writeInt(r.status());
                writeInstant(out, r.storedAt());
                writeInstant(out, r.expiresAt());
                HeaderList lines = r.headers();
                out.writeInt(lines.size());
                for (int i = 0; i < lines.size(); i++) {
                    writeString(out, lines.name(i));
                    writeString(out, lines.value(i));
                }
                out.writeInt(r.body().length);
                out.write(r.body());
            } else if (value instanceof VaryMarker m) {
                out.writeByte(KIND_VARY);
                out.writeInt(m.selectingHeaders().size());
                for (String name : m.selectingHeaders()) {
                    writeString(out, name);
                }
            } else {
                throw new IllegalArgumentException("unknown stored value " + value);
            }
            out.flush();
            out.writeInt((int) checksum(key, bytes.array(), bytes.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        return bytes.toByteArray();
    }

    public static Stored decode(String key, byte[] data) throws CorruptEntryException {
        if (data == null || data.length < 6) {
            throw new CorruptEntryException("entry too short");
        }
        int end = data.length - 4;
        int expected = ByteBuffer.wrap(data, end, 4).getInt();
        if ((int) checksum(key, data, end) != expected) {
            throw new CorruptEntryException("checksum mismatch");
        }
        if (data[0] != FORMAT_VERSION) {
            throw new CorruptEntryException("unsupported entry format version " + data[0]);
        }
        ByteBuffer in = ByteBuffer.wrap(data, 2, end - 2);
        try {
            Stored value = switch (data[1]) {
                case KIND_RESPONSE -> readResponse(in);
                case KIND_VARY -> readVary(in);
                default -> throw new CorruptEntryException("unknown entry kind " + data[1]);
            };
            if (in.hasRemaining()) {
                throw new CorruptEntryException("trailing bytes after entry");
            }
            return value;
        } catch (BufferUnderflowException | DateTimeException | IllegalArgumentException e) {
            throw new CorruptEntryException("malformed entry: " + e);
        }
    }

    private static CachedResponse readResponse(ByteBuffer in) throws CorruptEntryException {
        int status = in.getInt();
        if (status < 100 || status > 999) {
            throw new CorruptEntryException("bad status " + status);
        }
        Instant storedAt = readInstant(in);
        Instant expiresAt = readInstant(in);
        int count = readCount(in);
        HeaderList.Builder lines = HeaderList.builder(count);
        for (int i = 0; i < count; i++) {
            lines.add(readHeaderName(in), readHeaderValue(in));
        }
        int bodyLength = readCount(in, Integer.MAX_VALUE);
        byte[] body = new byte[bodyLength];
        in.get(body);
        return new CachedResponse(status, lines.build(), body, storedAt, expiresAt);
    }

    private static VaryMarker readVary(ByteBuffer in) throws CorruptEntryException {
        int count = readCount(in);
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(readString(in));
        }
        return new VaryMarker(List.copyOf(names));
    }

    private static int readCount(ByteBuffer in) throws CorruptEntryException {
        return readCount(in, MAX_LIST);
    }

    /** A length or count that must fit in what is left (each element takes at least one byte). */
    private static int readCount(ByteBuffer in, int max) throws CorruptEntryException {
        int n = in.getInt();
        if (n < 0 || n > max || n > in.remaining()) {
            throw new CorruptEntryException("bad length " + n);
        }
        return n;
    }

    /**
     * Header lines are checked as Netty's encoder would (an RFC 9110 token as the name, no control character
     * but tab in the value): responses are sent without Netty validating their lines again, so a damaged or
     * forged entry (a shared Redis store) must never reach a client as a split or ambiguous header.
     */
    private static String readHeaderName(ByteBuffer in) throws CorruptEntryException {
        String s = readString(in);
        if (s.isEmpty() || HttpHeaderValidationUtil.validateToken(s) != -1) {
            throw new CorruptEntryException("invalid header name");
        }
        return s;
    }

    private static String readHeaderValue(ByteBuffer in) throws CorruptEntryException {
        String s = readString(in);
        if (HttpHeaderValidationUtil.validateValidHeaderValue(s) != -1) {
            throw new CorruptEntryException("control character in a header value");
        }
        return s;
    }

    private static String readString(ByteBuffer in) throws CorruptEntryException {
        int n = readCount(in, Integer.MAX_VALUE);
        String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        return s;
    }

    private static Instant readInstant(ByteBuffer in) {
        long seconds = in.getLong();
        int nanos = in.getInt();
        if (nanos < 0 || nanos > 999_999_999) {
            throw new IllegalArgumentException("bad nanos " + nanos);
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private static void writeInstant(DataOutputStream out, Instant i) throws IOException {
        out.writeLong(i.getEpochSecond());
        out.writeInt(i.getNano());
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static long checksum(String key, byte[] data, int length) {
        CRC32C crc = new CRC32C();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        crc.update(data, 0, length);
        return crc.getValue();
    }

    /** A byte array stream whose buffer can be read without a copy. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(int size) {
            super(size);
        }

        byte[] array() {
            return buf;
        }
    }

    private static int sizeHint(Stored value) {
        if (value instanceof CachedResponse r) {
            return (int) Math.min(Integer.MAX_VALUE - 64L, r.body().length + r.headers().byteSize() * 2 + 64);
        }
        return 128;
    }
}
