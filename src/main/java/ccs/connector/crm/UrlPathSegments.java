package ccs.connector.crm;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Puts a value (an event's external id) into a customer CRM's URL path as one segment, for mapping routes:
 * {@code {{crm.x.url}}/activities/${bean:urlPathSegments?method=of(${variable.id})}}. A value of letters,
 * digits and {@code . _ : @ -} (the platform's call keys) stays as it is; any other is {@code ~} and the
 * base64url of its UTF-8, so that no {@code /}, {@code ?}, {@code #}, {@code %} or space can change the
 * path, and two values never share one (a percent-encoded value is easily decoded again on its way, by a
 * server or a proxy in front of the CRM, {@code %2F} into {@code /}).
 */
public final class UrlPathSegments {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._:@-]+");

    public String of(String value) {
        if (PLAIN.matcher(value).matches()) {
            return value;
        }
        return "~" + Base64.getUrlEncoder().withoutPadding().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
