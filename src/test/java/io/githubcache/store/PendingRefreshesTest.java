package io.githubcache.store;

import static io.githubcache.store.StoreTestData.key;
import static io.githubcache.store.StoreTestData.refreshed;
import static io.githubcache.store.StoreTestData.response;
import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.cache.CachedResponse;
import io.githubcache.cache.VaryMarker;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PendingRefreshesTest {

    private final PendingRefreshes pending = new PendingRefreshes();
    private final CachedResponse one = response(1, 100);
    private final CachedResponse two = response(2, 100);

    @Test
    void theNewestRefreshIsHeldAndTheKeyKeepsTheTimeItFellBehind() {
        assertThat(pending.offer(key(1), refreshed(one, 1), 1_000)).isTrue();
        assertThat(pending.offer(key(1), refreshed(one, 2), 5_000)).isTrue();

        assertThat(pending.get(key(1)).over(one)).isEqualTo(refreshed(one, 2));
        assertThat(pending.get(key(2))).isNull();
        assertThat(pending.due(999)).isEmpty();
        List<Map.Entry<String, PendingRefreshes.Pending>> due = pending.due(1_000);
        assertThat(due).hasSize(1);
        assertThat(due.get(0).getValue().over(one)).isEqualTo(refreshed(one, 2));
        assertThat(pending.size()).isEqualTo(1);
    }

    @Test
    void aRefreshAppliesOnlyToADiskCopyWithItsBodyAndStatus() {
        pending.offer(key(1), refreshed(one, 1), 0);
        PendingRefreshes.Pending held = pending.get(key(1));

        assertThat(held.isWhole()).isFalse();
        assertThat(held.over(one)).isEqualTo(refreshed(one, 1));
        assertThat(held.over(refreshed(one, 7))).isEqualTo(refreshed(one, 1)); // already written: same outcome
        assertThat(held.over(two)).isNull();
        assertThat(held.over(response(1, 101))).isNull();
        assertThat(held.over(new CachedResponse(404, one.headers(), one.body(), one.storedAt(), one.expiresAt())))
                .isNull();
        assertThat(held.over(null)).isNull();
        assertThat(held.over(new VaryMarker(List.of("accept")))).isNull();
    }

    @Test
    void aValueThatIsNotAResponseIsHeldWhole() {
        VaryMarker marker = new VaryMarker(List.of("accept"));
        pending.offer(key(1), marker, 0);

        assertThat(pending.get(key(1)).isWhole()).isTrue();
        assertThat(pending.get(key(1)).over(null)).isEqualTo(marker);
        assertThat(pending.get(key(1)).over(one)).isEqualTo(marker);
    }

    @Test
    void aHeldRefreshCountsItsHeadersAndNotItsBody() {
        CachedResponse big = response(1, 1024 * 1024);
        pending.offer(key(1), refreshed(big, 1), 0);

        assertThat(pending.bytes()).isPositive().isLessThan(2_000);
    }

    @Test
    void takeRemovesOnlyTheRefreshThatWasRead() {
        pending.offer(key(1), refreshed(one, 1), 0);
        PendingRefreshes.Pending read = pending.due(Long.MAX_VALUE).get(0).getValue();
        pending.offer(key(1), refreshed(one, 2), 10); // a newer refresh while the flush encodes the one it read

        assertThat(pending.take(key(1), read)).isFalse();
        assertThat(pending.get(key(1)).over(one)).isEqualTo(refreshed(one, 2));

        PendingRefreshes.Pending newest = pending.due(Long.MAX_VALUE).get(0).getValue();
        assertThat(pending.take(key(1), newest)).isTrue();
        assertThat(pending.size()).isZero();
        assertThat(pending.bytes()).isZero();
    }

    @Test
    void holdsTellsWhetherTheReadRefreshIsStillTheKeysAndClearForgetsAll() {
        pending.offer(key(1), refreshed(one, 1), 0);
        pending.offer(key(2), refreshed(two, 1), 0);
        PendingRefreshes.Pending read = pending.due(Long.MAX_VALUE).stream()
                .filter(e -> e.getKey().equals(key(1))).findFirst().orElseThrow().getValue();

        assertThat(pending.holds(key(1), read)).isTrue();
        pending.offer(key(1), refreshed(one, 3), 0);
        assertThat(pending.holds(key(1), read)).isFalse();

        assertThat(pending.clear()).isEqualTo(2);
        assertThat(pending.size()).isZero();
        assertThat(pending.bytes()).isZero();
    }

    @Test
    void dropAndDropIfForgetRefreshesAndTheirBytes() {
        pending.offer("a\nx/1", refreshed(one, 1), 0);
        long first = pending.bytes();
        pending.offer("a\nx/2", refreshed(one, 2), 0);
        pending.offer("b\nx/1", refreshed(one, 3), 0);
        assertThat(pending.bytes()).isEqualTo(3 * first);

        pending.drop("a\nx/2");
        pending.dropIf("a", k -> k.endsWith("/1"));

        assertThat(pending.get("a\nx/1")).isNull();
        assertThat(pending.get("a\nx/2")).isNull();
        assertThat(pending.get("b\nx/1").over(one)).isEqualTo(refreshed(one, 3));
        assertThat(pending.bytes()).isEqualTo(first);
    }

    @Test
    void whenTheBytesAreUsedUpANewKeyIsRefusedButAHeldKeyIsStillReplaced() {
        pending.offer(sameLength(0), refreshed(one, 1), 0);
        long each = pending.bytes();
        int fit = (int) (PendingRefreshes.MAX_BYTES / each);
        assertThat(fit).isLessThan(PendingRefreshes.MAX_ENTRIES);
        for (int i = 1; i < fit; i++) {
            assertThat(pending.offer(sameLength(i), refreshed(one, 1), 0)).isTrue();
        }

        assertThat(pending.offer(sameLength(fit), refreshed(one, 1), 0)).isFalse();
        assertThat(pending.get(sameLength(fit))).isNull();
        assertThat(pending.offer(sameLength(0), refreshed(one, 2), 0)).isTrue();
        assertThat(pending.size()).isEqualTo(fit);
        assertThat(pending.bytes()).isLessThanOrEqualTo(PendingRefreshes.MAX_BYTES);
    }

    private static String sameLength(int i) {
        return String.format("key-%09d", i);
    }
}
