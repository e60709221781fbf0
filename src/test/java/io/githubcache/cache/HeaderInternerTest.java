package io.githubcache.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeaderInternerTest {

    @Test
    void equalNamesAndCommonValuesBecomeOneInstance() {
        HeaderInterner interner = new HeaderInterner(10, 10);
        String a = interner.name(new String("X-Frame-Options"));
        String b = interner.name(new String("X-Frame-Options"));
        assertThat(a).isSameAs(b);

        assertThat(interner.value("x-frame-options", new String("deny")))
                .isSameAs(interner.value("X-Frame-Options", new String("deny")));
    }

    @Test
    void valuesThatChangeWithTimeOrPerResponseStayTheEntrysOwn() {
        HeaderInterner interner = new HeaderInterner(10, 10);
        for (String name : new String[] {"Date", "ETag", "X-RateLimit-Remaining", "X-GitHub-Request-Id", "Link"}) {
            String v = new String("same text");
            assertThat(interner.value(name, v)).as(name).isSameAs(v);
            assertThat(HeaderInterner.sharesValue(name, v)).as(name).isFalse();
        }
        String longValue = "x".repeat(513);
        assertThat(HeaderInterner.sharesValue("Content-Type", longValue)).isFalse();
    }

    @Test
    void theTablesStopGrowingAtTheirBoundAndStillAnswer() {
        HeaderInterner interner = new HeaderInterner(100, 100);
        String early = interner.name(new String("X-Early"));
        for (int i = 0; i < 200; i++) {
            interner.name("X-Invented-" + i);
        }
        String late = new String("X-Invented-Late-Name");

        // past the bound a new name is returned as it is: correct, just not shared
        assertThat(interner.name(late)).isSameAs(late).isEqualTo("X-Invented-Late-Name");
        assertThat(interner.name(new String("X-Invented-Late-Name"))).isNotSameAs(late);
        assertThat(interner.name(new String("X-Early"))).isSameAs(early);
    }

    @Test
    void onlyTheSharedInstanceCountsAsShared() {
        HeaderInterner interner = new HeaderInterner(10, 10);
        String name = interner.name(new String("Vary"));
        String value = interner.value("Vary", new String("Accept"));

        assertThat(interner.isSharedName(name)).isTrue();
        assertThat(interner.isSharedName(new String("Vary"))).isFalse();
        assertThat(interner.isSharedValue(value)).isTrue();
        assertThat(interner.isSharedValue(new String("Accept"))).isFalse();
        assertThat(interner.isSharedValue("never seen")).isFalse();
    }
}
