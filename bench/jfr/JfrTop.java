import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording of github-cache under load (bench/run.sh with JFR=1), so the report can say
 * where the time goes without a GUI:
 *
 * <pre>java bench/jfr/JfrTop.java bench/results/&lt;run&gt;/github-cache.jfr [rows]</pre>
 *
 * Prints CPU samples per thread kind, the hottest methods by self time, the hottest methods by inclusive
 * time (in a sample's stack at all; Camel, Netty, logging, github-cache and JDK hot spots), allocation
 * by the first github-cache/Camel/logging frame, and GC pauses.
 */
public final class JfrTop {

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: java JfrTop.java recording.jfr [rows]");
            System.exit(2);
        }
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 25;
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> allocBySite = new HashMap<>();
        Map<String, Long> allocByClass = new HashMap<>();
        long samples = 0;
        long withOwnFrame = 0;
        long gcPauses = 0;
        Duration gcPauseTotal = Duration.ZERO;
        Duration gcPauseMax = Duration.ZERO;

        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = e.getEventType().getName();
            switch (type) {
                case "jdk.ExecutionSample" -> {
                    samples++;
                    String t = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
                    threads.merge(threadKind(t), 1L, Long::sum);
                    RecordedStackTrace st = e.getStackTrace();
                    if (st == null || st.getFrames().isEmpty()) {
                        continue;
                    }
                    List<RecordedFrame> frames = st.getFrames();
                    self.merge(name(frames.get(0)), 1L, Long::sum);
                    Set<String> seen = new HashSet<>();
                    boolean own = false;
                    for (RecordedFrame f : frames) {
                        String n = name(f);
                        own |= n.startsWith("io.githubcache.");
                        if (seen.add(n)) {
                            inclusive.merge(n, 1L, Long::sum);
                        }
                    }
                    if (own) {
                        withOwnFrame++;
                    }
                }
                case "jdk.ObjectAllocationSample" -> {
                    long w = e.getLong("weight");
                    String cls = e.getClass("objectClass") == null ? "?" : e.getClass("objectClass").getName();
                    allocByClass.merge(cls, w, Long::sum);
                    RecordedStackTrace st = e.getStackTrace();
                    String site = "?";
                    if (st != null) {
                        for (RecordedFrame f : st.getFrames()) {
                            String n = name(f);
                            if (n.startsWith("io.githubcache.") || n.startsWith("net.logstash.")
                                    || n.startsWith("ch.qos.logback.") || n.startsWith("org.apache.camel.")) {
                                site = n;
                                break;
                            }
                        }
                    }
                    allocBySite.merge(site, w, Long::sum);
                }
                case "jdk.GarbageCollection" -> {
                    gcPauses++;
                    Duration d = e.getDuration("sumOfPauses");
                    gcPauseTotal = gcPauseTotal.plus(d);
                    if (d.compareTo(gcPauseMax) > 0) {
                        gcPauseMax = d;
                    }
                }
                default -> {
                }
            }
        }

        System.out.printf("execution samples: %d, of which %.1f%% inside github-cache code (an io.githubcache frame"
                + " on the stack; the rest is Camel, Netty and JDK machinery around it)%n%n", samples,
                100.0 * withOwnFrame / Math.max(1, samples));
        print("samples by thread kind", threads, samples, rows, "");
        print("hottest methods, self", self, samples, rows, "");
        print("hottest methods, inclusive (github-cache code)", inclusive, samples, rows, "io.githubcache.");
        print("hottest methods, inclusive (logging)", inclusive, samples, rows, "ch.qos.logback.|net.logstash.|com.fasterxml.");
        print("hottest methods, inclusive (Camel)", inclusive, samples, rows, "org.apache.camel.");
        print("hottest methods, inclusive (JDK: regex, format, time)", inclusive, samples, rows,
                "java.util.regex.|java.util.Formatter|java.lang.String.format|java.time.");
        long allocTotal = allocBySite.values().stream().mapToLong(Long::longValue).sum();
        print("allocation (sampled bytes) by first github-cache/Camel/logging frame", allocBySite, allocTotal, rows, "");
        print("allocation (sampled bytes) by class", allocByClass, allocTotal, rows, "");
        System.out.printf("GC: %d collections, pauses %d ms in all, longest %.1f ms%n", gcPauses,
                gcPauseTotal.toMillis(), gcPauseMax.toNanos() / 1e6);
    }

    private static void print(String title, Map<String, Long> counts, long total, int rows, String prefixes) {
        System.out.println(title);
        String[] ps = prefixes.isEmpty() ? new String[0] : prefixes.split("\\|");
        counts.entrySet().stream()
                .filter(en -> ps.length == 0 || java.util.Arrays.stream(ps).anyMatch(p -> en.getKey().startsWith(p)))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(rows)
                .forEach(en -> System.out.printf("  %5.1f%%  %s%n", 100.0 * en.getValue() / Math.max(1, total), en.getKey()));
        System.out.println();
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static String threadKind(String t) {
        return t.replaceAll("#\\d+", "#").replaceAll("\\d+$", "");
    }
}
