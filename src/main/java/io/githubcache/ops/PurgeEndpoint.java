package io.githubcache.ops;

import io.githubcache.cache.HttpCache;
import io.githubcache.cache.HttpCache.PurgeScope;
import io.githubcache.config.InvalidSettingException;
import io.githubcache.config.SettingValues;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.BlockingHandlerDecorator;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code DELETE /cache} on Camel's management HTTP server (never on the proxy port): removes cached entries
 * by exact path ({@code ?path=/repos/o/r}), by target prefix ({@code ?prefix=/repos/o/}) or all
 * ({@code ?all=true}), optionally of one upstream ({@code &upstream=https://api.github.com}), and answers
 * {@code {"removed": n}} in JSON. The route is added to the management server's Vert.x router, the way Camel
 * adds its own {@code /observe/metrics}.
 */
public final class PurgeEndpoint extends ServiceSupport implements CamelContextAware {

    public static final String PATH = "/cache";
    private static final Logger LOG = LoggerFactory.getLogger(PurgeEndpoint.class);

    private final HttpCache cache;
    private CamelContext camelContext;
    private Route route;

    public PurgeEndpoint(HttpCache cache) {
        this.cache = cache;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    protected void doStart() {
        ManagementHttpServer server = camelContext.hasService(ManagementHttpServer.class);
        VertxPlatformHttpRouter router = server == null ? null : server.getRouter();
        if (router == null) {
            LOG.info("Management HTTP server disabled: DELETE {} (cache purge) is not available", PATH);
            return;
        }
        route = router.route(PATH);
        route.method(HttpMethod.DELETE);
        route.handler(new BlockingHandlerDecorator(this::handle, false));
        PlatformHttpComponent http = camelContext.getComponent("platform-http", PlatformHttpComponent.class);
        if (http != null) {
            // listed in Camel's "HTTP Management endpoints summary" at startup
            http.addHttpManagementEndpoint(PATH, "DELETE", null, "application/json", null);
        }
        LOG.info("Cache purge enabled: DELETE {} on management port {}", PATH, server.getPort());
    }

    @Override
    protected void doStop() {
        if (route != null) {
            route.remove();
            route = null;
        }
    }

    /** The query parameters this endpoint knows; any other, or one of these given twice, is refused. */
    static final List<String> PARAMETERS = List.of("path", "prefix", "all", "upstream");

    /** Why the query cannot be read as one purge, or null: an operator's mistake must not purge something else. */
    static String queryProblem(io.vertx.core.MultiMap params) {
        for (String name : params.names()) {
            if (!PARAMETERS.contains(name)) {
                return "unknown parameter " + name + " (known: path, prefix, all, upstream)";
            }
            if (params.getAll(name).size() > 1) {
                return name + " given more than once: purge one selector per request";
            }
        }
        String upstream = params.get("upstream");
        if (upstream != null && !upstream.isBlank()) {
            try {
                SettingValues.baseUrl("upstream", upstream); // what github.cache.upstream-url accepts
            } catch (InvalidSettingException e) {
                return "upstream must be an upstream base URL such as https://api.github.com";
            }
        }
        return null;
    }

    private void handle(RoutingContext ctx) {
        String problem = queryProblem(ctx.request().params());
        if (problem != null) {
            error(ctx, 400, problem);
            return;
        }
        String path = ctx.request().getParam("path");
        String prefix = ctx.request().getParam("prefix");
        String all = ctx.request().getParam("all");
        String upstream = ctx.request().getParam("upstream");
        List<String> given = new ArrayList<>();
        if (path != null) {
            given.add("path");
        }
        if (prefix != null) {
            given.add("prefix");
        }
        if (all != null) {
            given.add("all");
        }
        if (given.size() != 1) {
            error(ctx, 400, "give exactly one of path=<exact path>, prefix=<target prefix>, all=true");
            return;
        }
        PurgeScope scope;
        String value;
        if (path != null) {
            if (!path.startsWith("/") || path.contains("?")) {
                error(ctx, 400, "path must start with / and have no query (every query of the path is purged)");
                return;
            }
            scope = PurgeScope.PATH;
            value = path;
        } else if (prefix != null) {
            if (!prefix.startsWith("/")) {
                error(ctx, 400, "prefix must start with /");
                return;
            }
            scope = PurgeScope.PREFIX;
            value = prefix;
        } else {
            if (!"true".equals(all)) {
                error(ctx, 400, "all must be true");
                return;
            }
            scope = PurgeScope.ALL;
            value = null;
        }
        String up = upstream == null || upstream.isBlank() ? null : stripTrailingSlash(upstream.trim());
        int removed;
        try {
            removed = cache.purge(scope, value, up);
        } catch (RuntimeException e) {
            LOG.error("Cache purge failed", e);
            error(ctx, 500, "purge failed: " + e.getClass().getSimpleName());
            return;
        }
        LOG.info("Cache purge by {}{}{}: {} responses removed", scope.name().toLowerCase(java.util.Locale.ROOT),
                value == null ? "" : " " + value, up == null ? "" : " of " + up, removed);
        JsonObject body = new JsonObject();
        body.put("removed", removed);
        body.put("scope", scope.name().toLowerCase(java.util.Locale.ROOT));
        if (value != null) {
            body.put("value", value);
        }
        if (up != null) {
            body.put("upstream", up);
        }
        ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(body.toJson());
    }

    private static void error(RoutingContext ctx, int status, String message) {
        JsonObject body = new JsonObject();
        body.put("message", message);
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toJson());
    }

    private static String stripTrailingSlash(String s) {
        String out = s;
        while (out.endsWith("/")) {
            out = out.substring(0, out.length() - 1);
        }
        return out;
    }
}
