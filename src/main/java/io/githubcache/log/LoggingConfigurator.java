package io.githubcache.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;
import java.util.Map;
import java.util.function.Function;
import net.logstash.logback.composite.loggingevent.LogstashMarkersJsonProvider;
import net.logstash.logback.encoder.LoggingEventCompositeJsonEncoder;

/**
 * The logging setup, in code (found by logback through {@code META-INF/services}), instead of a
 * {@code logback.xml}: parsing XML pulled in the JDK's XML parser and cost about 300 ms of a 2 s startup.
 *
 * <ul>
 *   <li>stdout: only the JSON access log (logger {@value AccessLog#LOGGER_NAME}), nginx-era field names, one
 *       line per request, encoded by logstash-logback-encoder (itself set up off the main thread:
 *       {@link BackgroundStartedEncoder}) on a background thread ({@link BatchingAsyncAppender}) and written in blocks
 *       ({@link BufferedStdoutAppender}); its level is {@code GITHUB_CACHE_ACCESS_LOG_LEVEL} (INFO; OFF mutes
 *       it);</li>
 *   <li>stderr: everything else, as text; level {@code GITHUB_CACHE_LOG_LEVEL} (INFO).</li>
 * </ul>
 *
 * A logback configuration file named with {@code -Dlogback.configurationFile=...} replaces all of this.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LoggingConfigurator extends ContextAwareBase implements Configurator {

    static final String ACCESS_LEVEL_ENV = "GITHUB_CACHE_ACCESS_LOG_LEVEL";
    static final String LEVEL_ENV = "GITHUB_CACHE_LOG_LEVEL";

    private final Function<String, String> env;

    public LoggingConfigurator() {
        this(System::getenv);
    }

    LoggingConfigurator(Function<String, String> env) {
        this.env = env;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY; // the operator's own file, read by logback's Joran
        }
        NopStatusListener quiet = new NopStatusListener();
        context.getStatusManager().add(quiet);

        Logger access = context.getLogger(AccessLog.LOGGER_NAME);
        access.setLevel(level(ACCESS_LEVEL_ENV));
        access.setAdditive(false);
        access.addAppender(accessAppender(context));

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level(LEVEL_ENV));
        root.addAppender(stderrAppender(context));
        for (Map.Entry<String, Level> e : Map.of(
                "org.apache.camel", Level.INFO,
                "io.netty", Level.WARN,
                // Lettuce retries a lost Redis connection every second and would warn each time; RedisEntryStore
                // logs the change of state once (unavailable, available again)
                "io.lettuce.core.protocol.ConnectionWatchdog", Level.ERROR).entrySet()) {
            context.getLogger(e.getKey()).setLevel(e.getValue());
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** The level an environment variable names (INFO when unset or not a level). */
    Level level(String variable) {
        String v = env.apply(variable);
        return v == null || v.isBlank() ? Level.INFO : Level.toLevel(v.trim(), Level.INFO);
    }

    private static BatchingAsyncAppender accessAppender(LoggerContext context) {
        BackgroundStartedEncoder<ILoggingEvent> json = new BackgroundStartedEncoder<>("access-log-encoder-start", () -> {
            LoggingEventCompositeJsonEncoder encoder = new LoggingEventCompositeJsonEncoder();
            encoder.setContext(context);
            encoder.getProviders().addProvider(new LogstashMarkersJsonProvider());
            encoder.start();
            AccessLog.warmUp(); // the line's time, on this thread too
            return encoder;
        });
        json.setContext(context);
        json.start();
        BufferedStdoutAppender stdout = new BufferedStdoutAppender();
        stdout.setContext(context);
        stdout.setName("ACCESS");
        stdout.setEncoder(json);
        stdout.setFlushIntervalMillis(100);
        stdout.start();
        // the request path only enqueues; lines are never dropped (a full queue slows requests instead)
        BatchingAsyncAppender async = new BatchingAsyncAppender();
        async.setContext(context);
        async.setName("ASYNC_ACCESS");
        async.setQueueSize(8192);
        async.setPollMillis(1); // short passes under load: see BatchingAsyncAppender.nextWaitNanos
        async.setIdleMillis(10); // an idle writer wakes 100 times a second, and a line waits as long as before
        async.addAppender(stdout);
        async.start();
        return async;
    }

    private static ConsoleAppender<ILoggingEvent> stderrAppender(LoggerContext context) {
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n");
        text.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("APP");
        stderr.setTarget("System.err");
        stderr.setEncoder(text);
        stderr.start();
        return stderr;
    }
}
