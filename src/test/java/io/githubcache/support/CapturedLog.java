package io.githubcache.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** The events of one logger while open (attached as an extra appender; the logger's own output goes on). */
public record CapturedLog(Logger logger, ListAppender<ILoggingEvent> appender) implements AutoCloseable {

    public static CapturedLog of(String loggerName) {
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        Logger logger = (Logger) LoggerFactory.getLogger(loggerName);
        logger.addAppender(events);
        return new CapturedLog(logger, events);
    }

    /** The events captured so far. */
    public List<ILoggingEvent> events() {
        return appender.list;
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
