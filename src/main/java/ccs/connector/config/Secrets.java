package ccs.connector.config;

import java.util.regex.Pattern;

/**
 * Masks the secrets that Call Center Studio carries in query strings and answers
 * ({@code app_token}, {@code session}) and the webhook {@code token}, wherever a URL, a query
 * or a JSON answer is printed.
 */
public final class Secrets {

    /** Also URL-encoded inside another parameter ({@code hangup_url=...%3Ftoken%3D...}), up to the next separator of either kind. */
    private static final Pattern IN_QUERY = Pattern.compile("(?i)(?:\\b|(?<=%3F)|(?<=%26))(app_token|session|token)(=|%3D)[^&\\s\"']*");
    private static final Pattern IN_JSON = Pattern.compile("(?i)\"(app_token|session|token)\"\\s*:\\s*\"[^\"]*\"");

    private Secrets() {
    }

    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = IN_QUERY.matcher(text).replaceAll("$1$2***");
        return IN_JSON.matcher(masked).replaceAll("\"$1\":\"***\"");
    }
}
