package io.githubcache.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * An append-only log of the writes made since the store's last commit, so a write is durable against a
 * killed process once one {@code write()} returned, while the B-tree store commits only once per flush
 * (a commit rewrites the pages on the path to every changed key: doing that per put costs ~20x the entry
 * in writes). Replayed at open, emptied after each commit.
 *
 * <pre>
 * record = int body length, int CRC32C of body, body
 * body   = byte op (1 put, 2 remove), int key length, key UTF-8, value bytes (put only)
 * </pre>
 * Reading stops at the first record that is short or fails its checksum: a write torn by a crash was never
 * acknowledged.
 */
final class Journal implements AutoCloseable {

    static final String FILE_NAME = "github-cache.journal";
    private static final byte PUT = 1;
    private static final byte REMOVE = 2;
    private static final int HEADER = 8;

    /** One replayed write. */
    record Entry(String key, byte[] value) {
        boolean isPut() {
            return value != null;
        }
    }

    private final Path path;
    private FileChannel channel;
    private long end;

    Journal(Path path) throws IOException {
        this.path = path;
        this.channel = open(path);
        this.end = channel.size();
    }

    private static FileChannel open(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** A FileChannel closes when its thread is interrupted; the journal then opens the file again. */
    private FileChannel channel() throws IOException {
        if (!channel.isOpen()) {
            channel = open(path);
        }
        return channel;
    }

    Path path() {
        return path;
    }

    void appendPut(String key, byte[] value) throws IOException {
        append(PUT, key, value);
    }

    void appendRemove(String key) throws IOException {
        append(REMOVE, key, null);
    }

    private void append(byte op, String key, byte[] value) throws IOException {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        int bodyLength = 1 + 4 + k.length + (value == null ? 0 : value.length);
        ByteBuffer buf = ByteBuffer.allocate(HEADER + bodyLength);
        buf.putInt(bodyLength).putInt(0).put(op).putInt(k.length).put(k);
        if (value != null) {
            buf.put(value);
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), HEADER, bodyLength);
        buf.putInt(4, (int) crc.getValue());
        buf.flip();
        long pos = end;
        FileChannel ch = channel();
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
        end = pos;
    }

    /** Bytes appended since the last reset (and found at open). */
    long size() {
        return end;
    }

    /**
     * What {@link #read} found: the intact records from the start, and where reading stopped if a whole record
     * there failed its checksum or format ({@code damagedAt}, else -1), as opposed to a record cut short, which
     * is what a crash in the middle of a write leaves and needs no warning. Records after a damaged one are not
     * applied: one of them may depend on it (a purge's removal after a put), so replaying around the gap could
     * bring back an entry that was removed.
     */
    record Contents(List<Entry> entries, long damagedAt, long ignoredBytes) {
    }

    /** Every intact record from the start, in order; stops at the first damaged one. */
    Contents read() throws IOException {
        FileChannel ch = channel();
        long size = ch.size();
        List<Entry> out = new ArrayList<>();
        if (size == 0) {
            return new Contents(out, -1, 0);
        }
        if (size > Integer.MAX_VALUE) {
            size = Integer.MAX_VALUE;
        }
        ByteBuffer all = ByteBuffer.allocate((int) size);
        long pos = 0;
        while (all.hasRemaining()) {
            int n = ch.read(all, pos);
            if (n < 0) {
                break;
            }
            pos += n;
        }
        all.flip();
        long damagedAt = -1;
        while (all.remaining() >= HEADER) {
            int recordStart = all.position();
            int bodyLength = all.getInt();
            int expected = all.getInt();
            if (bodyLength < 5 || bodyLength > all.remaining()) {
                break;
            }
            int start = all.position();
            CRC32C crc = new CRC32C();
            crc.update(all.array(), start, bodyLength);
            if ((int) crc.getValue() != expected) {
                damagedAt = recordStart;
                break;
            }
            byte op = all.get();
            int keyLength = all.getInt();
            if (keyLength < 0 || keyLength > bodyLength - 5 || (op != PUT && op != REMOVE)) {
                damagedAt = recordStart;
                break;
            }
            String key = new String(all.array(), all.position(), keyLength, StandardCharsets.UTF_8);
            all.position(all.position() + keyLength);
            byte[] value = null;
            if (op == PUT) {
                value = new byte[start + bodyLength - all.position()];
                all.get(value);
            } else if (all.position() != start + bodyLength) {
                damagedAt = recordStart;
                break;
            }
            out.add(new Entry(key, value));
        }
        long ignored = damagedAt >= 0 ? all.limit() - damagedAt : 0;
        return new Contents(out, damagedAt, ignored);
    }

    /** Empties the journal (after a commit made its records redundant). */
    void reset() throws IOException {
        FileChannel ch = channel();
        if (end != 0 || ch.size() != 0) {
            ch.truncate(0);
        }
        end = 0;
    }

    void sync() throws IOException {
        channel().force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
