package io.githubcache.http;

import io.githubcache.cache.HeaderList;
import io.githubcache.cache.IdentityKeyedCache;
import java.util.function.Supplier;

/**
 * The encoded response lines of stored entries that are being served (see {@link ProxyResponseEncoder}), kept
 * per stored header list (by identity: a revalidated entry has a new list) and per public base URL (the
 * {@code Link} rewrite depends on it). Bounded by bytes, apart from the memory tier's budget, so the hot
 * entries have one and the rest are encoded as before; an entry's block goes when its header list does.
 */
public final class HeaderBlocks {

    /** Enough for the hot set (a GitHub response's lines are 1-2 KB): 8 MB is 4,000-8,000 entries. */
    public static final long DEFAULT_MAX_BYTES = 8L * 1024 * 1024;

    private record Block(byte[] encodedLines, String upstreamBase, String publicBase) {
    }

    private final IdentityKeyedCache<HeaderList, Block> blocks;

    public HeaderBlocks(long maxBytes) {
        this.blocks = new IdentityKeyedCache<>(maxBytes, b -> b.encodedLines().length);
    }

    /**
     * The encoded form of {@code lines.get()}, the response lines made from {@code stored} for this pair of base
     * URLs; {@code lines} runs only when there is none yet.
     */
    public byte[] encoded(HeaderList stored, String upstreamBase, String publicBase, Supplier<HeaderList> lines) {
        Block b = blocks.get(stored);
        if (b == null || !b.upstreamBase().equals(upstreamBase) || !b.publicBase().equals(publicBase)) {
            b = new Block(NettyResponses.encodedLines(lines.get()), upstreamBase, publicBase);
            blocks.put(stored, b);
        }
        return b.encodedLines();
    }

    /** Bytes held, as the bound counts them. */
    public long estimatedBytes() {
        return blocks.estimatedBytes();
    }
}
