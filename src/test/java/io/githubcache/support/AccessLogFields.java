package io.githubcache.support;

import java.util.List;

/**
 * The field names of the nginx image's JSON {@code log_format}, in its order: the contract with existing log
 * pipelines, written out here once for the unit test of the access log and the end-to-end test of the jar.
 */
public final class AccessLogFields {

    public static final List<String> NGINX_IMAGE = List.of("remote_addr", "time_local", "request", "status",
            "upstream_status", "user_agent", "X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Reset",
            "X-Ratelimit-Used", "X-Ratelimit-Resource", "Etag", "X-Github-Cache-Status", "request_time",
            "github_token_fingerprint");

    private AccessLogFields() {
    }
}
