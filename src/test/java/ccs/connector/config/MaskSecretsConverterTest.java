package ccs.connector.config;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.util.concurrent.ThreadHelper;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Both production log formats (src/main/resources/log4j2.properties) mask secrets, stack traces included. */
class MaskSecretsConverterTest {

    private final LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("test").setLevel(Level.WARN)
            .setMessage(new SimpleMessage("GET /api/?function=login&app_token=s3cr3t-token&email=a%40b"))
            .setThrown(new IllegalStateException("answer {\"session\":\"s3ss10n\"}")).build();

    @Test
    void theTextFormatMasksMessageAndStackTrace() {
        String line = format("text");
        assertThat(line).contains("app_token=***", "\"session\":\"***\"", "IllegalStateException", "email=a%40b")
                .doesNotContain("s3cr3t-token", "s3ss10n");
    }

    @Test
    void theJsonFormatGivesOneJsonObjectPerLineWithTheSameMasking() throws IOException {
        String line = format("json");
        assertThat(line.trim()).doesNotContain("\n");
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.get("log.level").asText()).isEqualTo("WARN");
        assertThat(json.get("message").asText()).contains("app_token=***").doesNotContain("s3cr3t-token", "s3ss10n");
    }

    @Test
    void aLineBreakInAMessageCannotForgeALineButAStackTraceKeepsItsLines() {
        LogEvent forged = Log4jLogEvent.newBuilder().setLoggerName("test").setLevel(Level.INFO)
                .setMessage(new SimpleMessage("IVR notification of queue q1\r\n2026-12-03 09:00:00.000 ERROR [main] forged line"))
                .setThrown(new IllegalStateException("failed")).build();
        String text = format("text", forged);
        assertThat(text).contains("queue q1\\r\\n2026-12-03 09:00:00.000 ERROR [main] forged line");
        assertThat(text.lines()).noneMatch(line -> line.startsWith("2026-12-03 09:00:00.000 ERROR"));
        assertThat(text.lines().filter(line -> line.startsWith("\tat ")).count()).as("the stack trace, a line per frame").isGreaterThan(1);
    }

    /** A terminal's escapes would wipe the line's date, level and logger and draw another line in their place. */
    @Test
    void noOtherControlCharacterReachesTheTextLogAndAStackTraceStartsOnALineOfItsOwn() {
        String forgery = "\u001b[2K\u001b[1G2026-12-03 09:00:00.000 ERROR [main] forged line\u001b[8m";
        LogEvent forged = Log4jLogEvent.newBuilder().setLoggerName("test").setLevel(Level.INFO)
                .setMessage(new SimpleMessage("IVR notification of queue VIP" + forgery + "\u2028\u0085\u0007\u202e"))
                .setThrown(new IllegalStateException("queue VIP\r" + forgery)).build();
        String text = format("text", forged);
        assertThat(text).doesNotContain("\u001b", "\u2028", "\u0085", "\u0007", "\u202e", "\r")
                .contains("queue VIP?[2K?[1G2026-12-03 09:00:00.000 ERROR [main] forged line?[8m????")
                .contains("queue VIP?[2K?[1G2026-12-03 09:00:00.000 ERROR [main] forged line?[8m????\njava.lang.IllegalStateException: queue VIP??[2K");
        assertThat(text.lines().filter(line -> line.startsWith("\tat ")).count()).as("the stack trace, a line per frame").isGreaterThan(1);
    }

    /**
     * Camel names a consumer's threads after its endpoint URI: without its query by default, whole with
     * camel.main.thread-name-pattern's #longName#; a customer route's consumer may carry a password in either.
     */
    @Test
    void bothFormatsMaskTheThreadNameWhichCamelTakesFromAnEndpointUri() throws IOException {
        String pattern = "Camel (ccs-connector) thread ##counter# - #longName#";
        for (String uri : new String[] {"sftp://crm:s3cr3t-pass@files.crm.example/outbox",
                "https://crm.example/inbox?access_token=s3cr3t-pass&delay=5000"}) {
            LogEvent onConsumerThread = Log4jLogEvent.newBuilder().setLoggerName("test").setLevel(Level.INFO)
                    .setThreadName(ThreadHelper.resolveThreadName(pattern, uri))
                    .setMessage(new SimpleMessage("polled")).setThrown(new IllegalStateException("failed")).build();

            String text = format("text", onConsumerThread);
            assertThat(text).as(uri).contains("Camel (ccs-connector) thread #").contains("crm.example").doesNotContain("s3cr3t-pass");
            JsonNode json = new ObjectMapper().readTree(format("json", onConsumerThread));
            assertThat(json.get("process.thread.name").asText()).as(uri).startsWith("Camel (ccs-connector) thread #")
                    .contains("crm.example").doesNotContain("s3cr3t-pass", "IllegalStateException");
        }
    }

    private String format(String appender) {
        return format(appender, event);
    }

    private static String format(String appender, LogEvent logged) {
        LoggerContext logging = (LoggerContext) LogManager.getContext(false);
        Appender configured = logging.getConfiguration().getAppender(appender);
        assertThat(configured).as("appender " + appender).isNotNull();
        return new String(configured.getLayout().toByteArray(logged), java.nio.charset.StandardCharsets.UTF_8);
    }
}
