package ccs.connector.support;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Layout;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Keeps every log line of this test JVM, formatted by the production console layout (the one in
 * src/main/resources/log4j2.properties, masking included), so tests can read what an operator would. {@link #text()}
 * answers the lines since the running test class started ({@link ClassStart}): surefire runs several classes one after
 * another in a JVM, and the lines of one must neither satisfy nor fail the assertions of the next.
 */
public final class LogCapture {

    private static final StringBuffer LINES = new StringBuffer();
    private static boolean installed;
    private static volatile int classStart;

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

    /** Starts {@link #text()} at the test class's start, before its connector starts; extend every class that reads it. */
    public static final class ClassStart implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            classStart = LINES.length();
        }
    }
}
