package io.githubcache.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the human units the nginx-era configuration used ({@code 30s}, {@code 1m}, {@code 256MB}),
 * so operators can copy values from their old config without converting them.
 */
public final class Units {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|y)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?");

    private Units() {
    }

    /**
     * A duration such as {@code 500ms}, {@code 30s}, {@code 1m}, {@code 1h}, {@code 1d}, {@code 1y}; a bare
     * number is seconds, as in nginx.
     *
     * @throws IllegalArgumentException with a message fit to show to an operator
     */
    public static Duration parseDuration(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a duration such as 500ms, 30s, 1m, 1h, 1d or a number of seconds");
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("duration is too large");
        }
        String unit = m.group(2) == null ? "s" : m.group(2);
        try {
            return switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                case "y" -> Duration.ofDays(Math.multiplyExact(amount, 365L));
                default -> throw new IllegalArgumentException("unknown unit " + unit);
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration is too large");
        }
    }

    /**
     * A size such as {@code 512KB}, {@code 256MB}, {@code 1GB}; units are binary (1KB = 1024 bytes), as
     * nginx counts them; a bare number is bytes.
     *
     * @throws IllegalArgumentException with a message fit to show to an operator
     */
    public static long parseSize(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIZE.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size such as 512KB, 256MB, 1GB or a number of bytes");
        }
        String unit = m.group(2) == null ? "b" : m.group(2);
        long multiplier = switch (unit.charAt(0)) {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            case 'g' -> 1024L * 1024 * 1024;
            case 't' -> 1024L * 1024 * 1024 * 1024;
            default -> 1L;
        };
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("size is too large");
        }
    }

    /** Renders a duration the way an operator would write it, for the startup settings line. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms % (365 * 86_400_000L) == 0) {
            return ms / (365 * 86_400_000L) + "y";
        }
        if (ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }

    /** Renders a byte count with the largest exact binary unit. */
    public static String formatSize(long bytes) {
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        long v = bytes;
        int i = 0;
        while (i < units.length - 1 && v != 0 && v % 1024 == 0) {
            v /= 1024;
            i++;
        }
        return v + units[i];
    }
}
