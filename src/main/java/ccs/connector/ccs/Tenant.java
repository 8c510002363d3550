package ccs.connector.ccs;

import java.time.ZoneId;

/**
 * One Call Center Studio tenant: its name, API base, application token and wall-clock zone.
 * {@link #toString()} leaves the token out, so a logged tenant never shows it.
 */
public record Tenant(String name, String apiUrl, String appToken, ZoneId zone) {

    @Override
    public String toString() {
        return "Tenant[" + name + " at " + apiUrl + ", zone " + zone + "]";
    }
}
