package io.githubcache.util;

import java.util.Objects;
import java.util.stream.Stream;

/**
 * A failure's chain of causes, walked one way wherever the proxy asks what a failure was (a timeout, a lost
 * connection, a refused write): each of those walks had its own loop and its own guard against an exception that
 * is its own cause.
 */
public final class Causes {

    private Causes() {
    }

    /** {@code failure} and its causes in order, ending before a null cause or one that is its own. */
    public static Stream<Throwable> chain(Throwable failure) {
        return Stream.iterate(failure, Objects::nonNull, t -> t.getCause() == t ? null : t.getCause());
    }

    /** The first of {@link #chain} that is a {@code type}, or null. */
    public static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        return chain(failure).filter(type::isInstance).map(type::cast).findFirst().orElse(null);
    }

    /** The last of {@link #chain}: the root cause ({@code failure} itself when it has none); null for null. */
    public static Throwable root(Throwable failure) {
        return chain(failure).reduce((earlier, later) -> later).orElse(null);
    }
}
