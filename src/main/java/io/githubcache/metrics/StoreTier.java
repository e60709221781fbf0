package io.githubcache.metrics;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * One tier of the entry store (memory, disk) as metrics and health checks see it: how many entries and bytes
 * it holds, its bound, how many entries its own policy evicted, and whether it is open. Built where the store
 * is assembled, so a new tier is one more element in a list, without metrics code knowing its class.
 *
 * @param name      the {@code tier} label: {@code memory}, {@code disk}
 * @param entries   stored keys (responses and {@code Vary} markers)
 * @param bytes     bytes in use as the tier counts them (memory: weigher bytes; disk: file bytes)
 * @param maxBytes  the configured bound
 * @param evictions entries removed by the tier's own policy (size bound, inactivity)
 * @param open      false once the tier is closed or has failed
 */
public record StoreTier(String name, LongSupplier entries, LongSupplier bytes, LongSupplier maxBytes,
        LongSupplier evictions, BooleanSupplier open) {
}
