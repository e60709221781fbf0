package io.githubcache.store;

/** Encoded sizes of the test entries, for tests that size a store in entries. */
final class EntryCodecSizes {

    private EntryCodecSizes() {
    }

    static int encoded(String key, int bodySize) {
        return EntryCodec.encode(key, StoreTestData.response(0, bodySize)).length;
    }
}
