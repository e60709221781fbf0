package io.githubcache.cache;

/** What an {@link EntryStore} holds under a key: a response, or a marker saying which headers select variants. */
public sealed interface Stored permits CachedResponse, VaryMarker {
}
