package io.githubcache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.githubcache.cache.RequestCoalescer.Ticket;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RequestCoalescerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration LOCK_AGE = Duration.ofSeconds(5);

    private final RequestCoalescer coalescer = new RequestCoalescer(LOCK_AGE);

    private static FillResult result(CacheStatus status) {
        CachedResponse r = new CachedResponse(200, HeaderList.empty(), new byte[] {1}, T0, T0.plusSeconds(60));
        return new FillResult(r, HeaderList.empty(), status, true);
    }

    @Test
    void firstAcquireLeadsSecondWaitsOnTheSameFill() {
        Ticket first = coalescer.acquire("k", T0);
        Ticket second = coalescer.acquire("k", T0.plusSeconds(1));

        assertThat(first.leader()).isTrue();
        assertThat(second.leader()).isFalse();
        assertThat(second.fill()).isSameAs(first.fill());
        assertThat(first.fill().result()).isNotDone();
        assertThat(coalescer.inFlight()).isEqualTo(1);
    }

    @Test
    void justBeforeLockAgeStillWaits() {
        Ticket first = coalescer.acquire("k", T0);

        Ticket late = coalescer.acquire("k", T0.plus(LOCK_AGE).minusNanos(1));

        assertThat(late.leader()).isFalse();
        assertThat(late.fill()).isSameAs(first.fill());
    }

    @Test
    void afterLockAgeANewLeaderIsChosen() {
        Ticket first = coalescer.acquire("k", T0);

        Ticket atAge = coalescer.acquire("k", T0.plus(LOCK_AGE));
        Ticket afterNew = coalescer.acquire("k", T0.plus(LOCK_AGE).plusSeconds(1));

        assertThat(atAge.leader()).isTrue();
        assertThat(atAge.fill()).isNotSameAs(first.fill());
        assertThat(afterNew.leader()).isFalse();
        assertThat(afterNew.fill()).isSameAs(atAge.fill());
        assertThat(coalescer.inFlight()).isEqualTo(1);
    }

    @Test
    void completeCompletesTheFutureAndFreesTheKey() {
        Ticket leader = coalescer.acquire("k", T0);
        Ticket waiter = coalescer.acquire("k", T0);
        FillResult r = result(CacheStatus.MISS);

        coalescer.complete("k", leader.fill(), r);

        assertThat(waiter.fill().result()).isCompletedWithValue(r);
        assertThat(coalescer.inFlight()).isZero();
        Ticket next = coalescer.acquire("k", T0.plusSeconds(1));
        assertThat(next.leader()).isTrue();
        assertThat(next.fill()).isNotSameAs(leader.fill());
        assertThat(next.fill().result()).isNotDone();
    }

    @Test
    void completingTwiceIsHarmlessAndKeepsTheFirstResult() {
        Ticket leader = coalescer.acquire("k", T0);
        FillResult first = result(CacheStatus.MISS);
        FillResult second = result(CacheStatus.EXPIRED);

        coalescer.complete("k", leader.fill(), first);
        coalescer.complete("k", leader.fill(), second);

        assertThat(leader.fill().result()).isCompletedWithValue(first);
        assertThat(coalescer.inFlight()).isZero();
    }

    @Test
    void aLateCompleteOfAnOldFillDoesNotFreeTheNewLeadersKey() {
        Ticket stuck = coalescer.acquire("k", T0);
        Ticket newLeader = coalescer.acquire("k", T0.plus(LOCK_AGE));

        coalescer.complete("k", stuck.fill(), result(CacheStatus.MISS));

        assertThat(coalescer.inFlight()).isEqualTo(1);
        Ticket waiter = coalescer.acquire("k", T0.plus(LOCK_AGE).plusSeconds(1));
        assertThat(waiter.leader()).isFalse();
        assertThat(waiter.fill()).isSameAs(newLeader.fill());
        assertThat(newLeader.fill().result()).isNotDone();
    }

    @Test
    void aCompletedFillThatIsStillMappedGivesANewLeader() {
        // complete() removes first, but a done future left in the map must not capture new requests either
        Ticket leader = coalescer.acquire("k", T0);
        leader.fill().result().complete(result(CacheStatus.MISS));

        Ticket next = coalescer.acquire("k", T0.plusSeconds(1));

        assertThat(next.leader()).isTrue();
        assertThat(next.fill()).isNotSameAs(leader.fill());
    }

    @Test
    void differentKeysAreIndependent() {
        Ticket a = coalescer.acquire("a", T0);
        Ticket b = coalescer.acquire("b", T0);

        assertThat(a.leader()).isTrue();
        assertThat(b.leader()).isTrue();
        assertThat(a.fill()).isNotSameAs(b.fill());
        assertThat(coalescer.inFlight()).isEqualTo(2);

        coalescer.complete("a", a.fill(), result(CacheStatus.MISS));

        assertThat(b.fill().result()).isNotDone();
        assertThat(coalescer.inFlight()).isEqualTo(1);
        assertThat(coalescer.acquire("b", T0.plusSeconds(1)).leader()).isFalse();
    }
}
