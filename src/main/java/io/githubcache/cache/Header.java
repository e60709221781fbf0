package io.githubcache.cache;

/** One header line as received, name case preserved. */
public record Header(String name, String value) {
}
