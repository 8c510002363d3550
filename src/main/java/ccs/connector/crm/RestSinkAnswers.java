package ccs.connector.crm;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import ccs.connector.api.AnswerText;
import ccs.connector.api.RetryAfter;
import ccs.connector.config.Secrets;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Reads the CRM's answer to a REST delivery: 2xx is delivered; 408, 429 and 5xx are retried
 * (a {@code Retry-After} sets the delay before the next attempt, within the retry policy: never
 * beyond its ceiling, never below its backoff, so a {@code Retry-After: 0} does not spend the whole
 * budget at once); any other status sends the event to the dead letters at once. The exception's
 * message, the dead letter's reason, says what the CRM answered: the status, its {@code Location} (without its
 * query) and {@code WWW-Authenticate} and the start of its body, without any secret: neither the connector's, nor the
 * request's credential, nor the values of the query the CRM's URL carries ({@code crmUrl}: a flow's {@code sig=}).
 */
public final class RestSinkAnswers {

    /** How much of each thing the CRM said the reason quotes, in characters. */
    static final int EXCERPT_LENGTH = 300;
    /** Digits as numbers are written, spaced or bracketed: 0532 123 45 67, +90 (532) 123-4567. */
    private static final Pattern NUMBER = Pattern.compile("\\+?\\(?\\d[\\d ()./-]*\\d");

    private final Duration initialDelay;
    private final Duration maxDelay;
    private final Secrets secrets;

    /**
     * {@code crm.retry.initial-delay} and {@code crm.retry.max-delay}: the backoff doubles from the one up to the other;
     * {@code secrets}: the connector's, scrubbed from what the CRM answered.
     */
    public RestSinkAnswers(Duration initialDelay, Duration maxDelay, Secrets secrets) {
        this.initialDelay = initialDelay;
        this.maxDelay = maxDelay;
        this.secrets = secrets;
    }

    public void check(Exchange exchange) {
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status >= 200 && status < 300) {
            return;
        }
        String what = "the CRM answered HTTP " + status + said(message, exchange.getVariable("crmUrl", String.class),
                exchange.getVariable("crmAuthorization", String.class));
        if (status == 408 || status == 429 || status >= 500) {
            Duration retryAfter = RetryAfter.read(message.getHeader("Retry-After", String.class));
            if (retryAfter != null) {
                long backoff = backoffMillis(message.getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class));
                message.setHeader(Exchange.REDELIVERY_DELAY, Math.min(Math.max(retryAfter.toMillis(), backoff), maxDelay.toMillis()));
            } else {
                message.removeHeader(Exchange.REDELIVERY_DELAY);
            }
            throw new RetryableDeliveryException(what, status);
        }
        throw new RejectedDeliveryException(what);
    }

    /**
     * Where the answer points, which credentials it asks for and the start of its body (all of it that the HTTP client kept:
     * {@link CrmRefusalLimit}), each on one line and short, without the connector's secrets nor the request's credentials:
     * its Authorization ({@code authorization}) and the query of the URL it went to ({@code url}, e.g. {@code crm.rest.url}), which a redirect's
     * {@code Location} or a body quoting the request would repeat.
     */
    private String said(Message message, String url, String authorization) {
        // the Authorization the request carried (variable crmAuthorization) may come back in a body quoting the request; not
        // the header left on the message, which an Authorization of the answer replaces
        List<String> credentials = queryValues(url);
        if (authorization != null) {
            credentials.add(authorization.replaceFirst("^\\S+\\s+", ""));
        }
        Secrets credential = new Secrets(credentials);
        StringBuilder said = new StringBuilder();
        for (String header : List.of("Location", "WWW-Authenticate")) {
            String value = message.getHeader(header, String.class);
            if (value != null && header.equals("Location")) {
                // where the CRM moved, not the query it carries: the request's own, signature and all, on another host
                value = Secrets.withoutQuery(value);
            }
            if (value != null && !value.isBlank()) {
                said.append("; ").append(header).append(": ").append(excerpt(value, credential));
            }
        }
        String body = AnswerText.of(message);
        if (body != null && !body.isBlank()) {
            said.append(": ").append(excerpt(body, credential));
        }
        return said.toString();
    }

    /**
     * The text on one line, without secrets nor phone numbers (before it is cut, so that no start of one is left), at most
     * {@link #EXCERPT_LENGTH}: a CRM quotes the number it refused, and the reason goes to the log and the status page.
     */
    private String excerpt(String text, Secrets credential) {
        String line = credential.scrub(secrets.scrub(text.strip().replaceAll("\\s+", " ")));
        line = NUMBER.matcher(line).replaceAll(number -> number.group().replaceAll("\\D", "").length() >= 7 ? "***" : number.group());
        return line.length() > EXCERPT_LENGTH ? line.substring(0, EXCERPT_LENGTH) + "..." : line;
    }

    /** The values of the URL's query (a flow's {@code sig}, an API key), as written and decoded; empty without a query. */
    private static List<String> queryValues(String url) {
        List<String> values = new ArrayList<>();
        int mark = url == null ? -1 : url.indexOf('?');
        if (mark < 0) {
            return values;
        }
        for (String parameter : url.substring(mark + 1).replaceAll("#.*", "").split("[&;]")) {
            String value = parameter.substring(parameter.indexOf('=') + 1);
            values.add(value);
            try {
                values.add(URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // not percent-encoded as a URL would be: taken as written only
            }
        }
        return values;
    }

    /** The policy's delay before the next attempt, after {@code retries} retries: doubled each time, at most the maximum. */
    private long backoffMillis(int retries) {
        long delay = initialDelay.toMillis();
        for (int i = 0; i < retries && delay < maxDelay.toMillis(); i++) {
            delay *= 2;
        }
        return Math.min(delay, maxDelay.toMillis());
    }
}
