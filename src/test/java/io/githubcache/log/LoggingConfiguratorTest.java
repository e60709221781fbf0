package io.githubcache.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.ConsoleAppender;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoggingConfiguratorTest {

    private static LoggerContext configured(Map<String, String> env) {
        LoggerContext context = new LoggerContext();
        LoggingConfigurator c = new LoggingConfigurator(env::get);
        c.setContext(context);
        assertThat(c.configure(context)).isEqualTo(Configurator.ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        return context;
    }

    @Test
    void accessLogGoesOnlyToBufferedStdoutThroughAnAsyncQueueThatNeverDrops() {
        LoggerContext context = configured(Map.of());

        Logger access = context.getLogger(AccessLog.LOGGER_NAME);
        assertThat(access.isAdditive()).isFalse();
        assertThat(access.getLevel()).isEqualTo(Level.INFO);
        BatchingAsyncAppender async = (BatchingAsyncAppender) access.getAppender("ASYNC_ACCESS");
        assertThat(async.isStarted()).isTrue();
        assertThat(async.getAppender("ACCESS")).isInstanceOf(BufferedStdoutAppender.class);
        context.stop();
    }

    @Test
    void everythingElseGoesToStderrAsText() {
        LoggerContext context = configured(Map.of());

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        ConsoleAppender<?> app = (ConsoleAppender<?>) root.getAppender("APP");
        assertThat(app.getTarget()).isEqualTo("System.err");
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
        context.stop();
    }

    @Test
    void levelsComeFromTheEnvironment() {
        LoggerContext context = configured(Map.of("GITHUB_CACHE_ACCESS_LOG_LEVEL", "OFF", "GITHUB_CACHE_LOG_LEVEL", "debug"));

        assertThat(context.getLogger(AccessLog.LOGGER_NAME).getLevel()).isEqualTo(Level.OFF);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
        context.stop();
    }

    @Test
    void anUnknownLevelFallsBackToInfo() {
        assertThat(new LoggingConfigurator(v -> "loud").level("GITHUB_CACHE_LOG_LEVEL")).isEqualTo(Level.INFO);
    }
}
