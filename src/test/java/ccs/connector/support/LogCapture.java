package ccs.connector.support;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Keeps every log line of this test JVM, formatted by the production console layout (the one in
 * src/main/resources/log4j2.properties, masking included), so tests can read what an operator would. {@link #text()}
 * answers the lines since the running test class started, and {@link #debug} lasts until it ends ({@link PerClass}):
 * surefire runs several classes one after another in a JVM, and the lines of one must neither satisfy nor fail the
 * assertions of the next.
 */
public final class LogCapture {

    private static final StringBuffer LINES = new StringBuffer();
    private static boolean installed;
    private static volatile int classStart;
    /** The levels {@link #debug} replaced, set again when the class ends. */
    private static final Map<String, Level> RAISED = new HashMap<>();

    private LogCapture() {
    }

    public static synchronized void install() {
        if (installed) {
            return;
        }
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        Configuration config = logging.getConfiguration();
        Layout<? extends Serializable> layout = config.getAppender("text").getLayout();
        AbstractAppender appender = new AbstractAppender("capture", null, layout, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                LINES.append(new String(getLayout().toByteArray(event), StandardCharsets.UTF_8));
            }
        };
        appender.start();
        config.addAppender(appender);
        config.getRootLogger().addAppender(appender, null, null);
        logging.updateLoggers();
        installed = true;
    }

    /** The lines logged since the running test class started. */
    public static String text() {
        return LINES.substring(classStart);
    }

    /** Logs these loggers at DEBUG until the running test class ends. */
    public static synchronized void debug(String... loggers) {
        for (String logger : loggers) {
            RAISED.putIfAbsent(logger, LogManager.getLogger(logger).getLevel());
            Configurator.setLevel(logger, Level.DEBUG);
        }
    }

    /**
     * Starts {@link #text()} at the test class's start, before its connector starts, and ends {@link #debug} after its
     * connector has stopped; extend every class that reads the one or calls the other.
     */
    public static final class PerClass implements BeforeAllCallback, AfterAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            classStart = LINES.length();
        }

        @Override
        public void afterAll(ExtensionContext context) {
            synchronized (LogCapture.class) {
                Configurator.setLevel(RAISED);
                RAISED.clear();
            }
        }
    }
}
