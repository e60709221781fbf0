package io.githubcache.support;

import io.githubcache.cache.EntryStore;
import io.githubcache.cache.Stored;
import java.util.function.Predicate;

/** An {@link EntryStore} that hands every call to another; tests override the calls they watch or disturb. */
public class ForwardingEntryStore implements EntryStore {

    protected final EntryStore inner;

    public ForwardingEntryStore(EntryStore inner) {
        this.inner = inner;
    }

    @Override
    public Stored get(String key) {
        return inner.get(key);
    }

    @Override
    public Stored getWithoutIo(String key) {
        return inner.getWithoutIo(key);
    }

    @Override
    public void put(String key, Stored value) {
        inner.put(key, value);
    }

    @Override
    public void remove(String key) {
        inner.remove(key);
    }

    @Override
    public void touch(String key) {
        inner.touch(key);
    }

    @Override
    public int removeIf(Predicate<String> keyFilter) {
        return inner.removeIf(keyFilter);
    }

    @Override
    public long entryCount() {
        return inner.entryCount();
    }

    @Override
    public long weightedSize() {
        return inner.weightedSize();
    }
}
