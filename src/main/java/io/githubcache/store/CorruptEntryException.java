package io.githubcache.store;

/** A stored entry that cannot be trusted: bad checksum, unknown format version, or malformed bytes. */
public final class CorruptEntryException extends Exception {

    public CorruptEntryException(String message) {
        super(message);
    }
}
