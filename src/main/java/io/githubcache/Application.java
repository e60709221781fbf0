package io.githubcache;

import io.githubcache.config.InvalidSettingException;
import io.githubcache.ops.ShutdownSignals;
import java.time.Clock;
import java.util.Map;

/**
 * {@code java -jar github-cache.jar}: runs the proxy until SIGTERM/SIGINT. With {@value CdsTraining#ARGUMENT}:
 * the training run of the class-data-sharing archive instead (see {@link CdsTraining}).
 */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && CdsTraining.ARGUMENT.equals(args[0])) {
            int code = CdsTraining.runAndReport();
            flushLogs();
            System.exit(code); // the JVM writes the archive (-XX:ArchiveClassesAtExit) as it exits
        }
        GithubCacheMain app = new GithubCacheMain(Map.of(), Clock.systemUTC());
        // SIGTERM/SIGINT: drain and stop through Camel Main (main.completed() sets exit code 0), so the exit
        // below is 0 instead of the JVM's 143/130 for a signal
        ShutdownSignals.install(app.camelMain());
        try {
            app.run(args);
        } catch (InvalidSettingException e) {
            System.err.println("github-cache: " + e.getMessage());
            flushLogs();
            // halt, not exit: nothing that needs stopping has started (a store opened is closed on this path),
            // and exit would run Camel's shutdown hook, which logs "triggered by SIGTERM" when no signal came
            Runtime.getRuntime().halt(2);
        }
        int code = app.camelMain().getExitCode();
        flushLogs();
        System.exit(code);
    }

    /** Writes out the asynchronous access log (the drained requests' lines) before the JVM exits. */
    private static void flushLogs() {
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
            logback.stop();
        }
    }
}
