package ccs.connector.api;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The body of an HTTP answer (Call Center Studio's, a CRM's) as text, in the charset its {@code Content-Type} names, or in
 * UTF-8 when Java knows no such charset (a PHP app's {@code utf8mb4}): read in it, the body threw an
 * IllegalArgumentException, which the callers took for the request's fault (a placed click2call reported failed, a CRM's
 * 503 dead-lettered at once).
 */
public final class AnswerText {

    private AnswerText() {
    }

    public static String of(Message message) {
        Exchange exchange = message.getExchange();
        String charset = exchange.getProperty(Exchange.CHARSET_NAME, String.class);
        if (charset != null && !known(charset)) {
            exchange.setProperty(Exchange.CHARSET_NAME, StandardCharsets.UTF_8.name());
        }
        return message.getBody(String.class);
    }

    private static boolean known(String name) {
        try {
            return Charset.isSupported(name);
        } catch (IllegalCharsetNameException e) {
            return false;
        }
    }
}
