package io.githubcache.ops;

import io.githubcache.metrics.StoreTier;
import java.util.List;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness and liveness of the cache store: DOWN as soon as one tier is closed or has failed, so the
 * management server answers {@code /observe/health} with 503 and an orchestrator stops routing to (and
 * eventually restarts) this instance. Discovered by Camel's health registry as a bean.
 */
public final class StoreHealthCheck extends AbstractHealthCheck {

    public static final String ID = "github-cache-store";

    private final List<StoreTier> tiers;

    public StoreHealthCheck(List<StoreTier> tiers) {
        super("github-cache", ID);
        this.tiers = List.copyOf(tiers);
    }

    @Override
    public boolean isReadiness() {
        return true;
    }

    @Override
    public boolean isLiveness() {
        return true;
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
