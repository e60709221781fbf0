package io.githubcache.ops;

import io.githubcache.metrics.StoreTier;
import java.util.List;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Whether the cache store's tiers are open, as two checks with different consequences. Readiness covers every
 * tier: DOWN as soon as one is closed or has failed, so {@code /observe/health} and {@code /ready} answer 503
 * and an operator sees it. Liveness covers only the memory tier, the one every answer goes through: when the
 * disk tier fails (a full volume, an I/O error) the proxy goes on serving from memory and the upstream, and a
 * restart by the orchestrator would not free the volume, only drop the memory tier and spend rate limit on
 * refetching it (the same reasoning as Redis being "degraded, not down"). Discovered by Camel's health
 * registry as beans.
 */
public final class StoreHealthCheck extends AbstractHealthCheck {

    /** Readiness: every tier open. */
    public static final String ID = "github-cache-store";

    /** Liveness: the memory tier open. */
    public static final String LIVENESS_ID = "github-cache-store-memory";

    private final List<StoreTier> tiers;
    private final boolean liveness;

    private StoreHealthCheck(String id, List<StoreTier> tiers, boolean liveness) {
        super("github-cache", id);
        this.tiers = List.copyOf(tiers);
        this.liveness = liveness;
    }

    /** The readiness check over all {@code tiers}. */
    public static StoreHealthCheck readiness(List<StoreTier> tiers) {
        return new StoreHealthCheck(ID, tiers, false);
    }

    /** The liveness check over the tiers named {@code memory} among {@code tiers}. */
    public static StoreHealthCheck liveness(List<StoreTier> tiers) {
        return new StoreHealthCheck(LIVENESS_ID,
                tiers.stream().filter(t -> t.name().equals("memory")).toList(), true);
    }

    @Override
    public boolean isReadiness() {
        return !liveness;
    }

    @Override
    public boolean isLiveness() {
        return liveness;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        StringBuilder down = new StringBuilder();
        for (StoreTier t : tiers) {
            boolean open;
            try {
                open = t.open().getAsBoolean();
            } catch (RuntimeException e) {
                open = false;
            }
            builder.detail("tier." + t.name(), open ? "open" : "closed");
            if (!open) {
                down.append(down.length() == 0 ? "" : ", ").append(t.name());
            }
        }
        if (down.length() == 0) {
            builder.up();
        } else {
            builder.message("cache store tier not open: " + down).down();
        }
    }
}
