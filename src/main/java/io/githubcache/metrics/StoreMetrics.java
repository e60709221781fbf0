package io.githubcache.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;

/** Gauges and an eviction counter per store tier, read at scrape time (nothing on the request path). */
public final class StoreMetrics implements MeterBinder {

    public static final String ENTRIES = "github.cache.entries";
    public static final String SIZE = "github.cache.size";
    public static final String MAX_SIZE = "github.cache.max.size";
    public static final String EVICTIONS = "github.cache.evictions";

    private final List<StoreTier> tiers;

    public StoreMetrics(List<StoreTier> tiers) {
        this.tiers = List.copyOf(tiers);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (StoreTier t : tiers) {
            Gauge.builder(ENTRIES, t, x -> x.entries().getAsLong())
                    .description("Entries held by a cache tier (responses and Vary markers)")
                    .tag("tier", t.name()).strongReference(true).register(registry);
            Gauge.builder(SIZE, t, x -> x.bytes().getAsLong())
                    .description("Bytes used by a cache tier")
                    .baseUnit("bytes")
                    .tag("tier", t.name()).strongReference(true).register(registry);
            Gauge.builder(MAX_SIZE, t, x -> x.maxBytes().getAsLong())
                    .description("Configured size bound of a cache tier")
                    .baseUnit("bytes")
                    .tag("tier", t.name()).strongReference(true).register(registry);
            FunctionCounter.builder(EVICTIONS, t, x -> x.evictions().getAsLong())
                    .description("Entries a cache tier evicted by its own policy (size bound, inactivity)")
                    .tag("tier", t.name()).register(registry);
        }
    }
}
