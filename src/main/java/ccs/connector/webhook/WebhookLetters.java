package ccs.connector.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import ccs.connector.api.ApiErrors;
import ccs.connector.api.RepeatedWarnings;
import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.config.Secrets;
import ccs.connector.event.CloudEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Ticker;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead letters of the webhook intake: a hangup callback or IVR notification that passed the token
 * check but cannot become an event (it names no call, its body or tenant cannot be read) is kept
 * for a person among the dead letters ({@code ccs.connector.crm.DeadLetters}), so the listing
 * and the replay of dead letters see it. The letter holds the request's fields scrubbed of every
 * secret ({@code request}), the event type it was meant for, the tenant, the reason and the field
 * at fault; {@code ccs.connector.crm.DeadLetters} replays it by building the event again, so a
 * person can add what was missing (a {@code call_id}) and replay it.
 */
public final class WebhookLetters {

    /** The variable that holds the letter's id (one per distinct request: a repeat replaces it). */
    public static final String ID = "letterId";

    /** The longest tenant an id names as given (a DNS label): a longer one is no tenant's, and an id must fit its column. */
    private static final int MAX_TENANT_IN_ID = 63;
    /** A tenant not served, named in a letter's id only as a subdomain could be: "acme:x" would file it under acme. */
    private static final Pattern TENANT_LABEL = Pattern.compile("[A-Za-z0-9-]{1," + MAX_TENANT_IN_ID + "}");
    /** What a reason quotes of the request ('...' or "..."), left out of its likeness: it differs from request to request. */
    private static final Pattern QUOTED = Pattern.compile("'[^']*'|\"[^\"]*\"");
    private static final Logger LOG = LoggerFactory.getLogger(WebhookLetters.class);

    private final ObjectMapper json = new ObjectMapper();
    private final Secrets secrets;
    private final Tenants tenants;
    private final WebhookTokens webhookTokens;
    /** An IVR parameter renamed by the vendor makes every notification a letter alike: one line a minute, not one each. */
    private final RepeatedWarnings kept;

    public WebhookLetters(Secrets secrets, Tenants tenants, WebhookTokens webhookTokens, Ticker ticker) {
        this.secrets = secrets;
        this.tenants = tenants;
        this.webhookTokens = webhookTokens;
        this.kept = new RepeatedWarnings(LOG, "kept alike", Duration.ofMinutes(1), ticker);
    }

    /**
     * The letter of the failed request as JSON text; sets variable {@value #ID}. The fields
     * are those read into variable {@code webhookFields}; when the body could not be read, the
     * query parameters and the body's text.
     */
    public String describe(Exchange exchange, String type) throws JsonProcessingException {
        @SuppressWarnings("unchecked")
        Map<String, Object> read = exchange.getVariable("webhookFields", Map.class);
        Map<String, Object> request = read;
        if (request == null) {
            request = new LinkedHashMap<>(WebhookRequests.query(exchange.getMessage()));
            String body = exchange.getMessage().getBody(String.class);
            if (body != null && !body.isEmpty()) {
                request.put("body", body);
            }
        }
        Map<String, Object> fields = secrets.scrub(request);
        String tenant = exchange.getVariable("tenant", String.class);
        if (tenant == null) {
            // as ccs.tenants spells it when served, so that the letter's id begins as its tenant's other letters do
            String named = WebhookRequests.single(WebhookRequests.query(exchange.getMessage()), "tenant");
            // a secret given as the tenant (the token pasted there) goes into neither the letter, its id nor the log line
            tenant = named == null ? null : tenants.find(named).map(Tenant::name).orElse(secrets.scrub(named));
        }
        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("type", type);
        letter.put("tenant", tenant);
        letter.put("reason", secrets.scrub(exchange.getVariable(ApiErrors.MESSAGE, String.class)));
        letter.put("field", exchange.getVariable(ApiErrors.FIELD, String.class));
        letter.put("failedAt", Instant.now().toString());
        // the token that admitted it, as the guard chose it: a replay builds its event only while that token admits the tenant
        letter.put("admittedBy", webhookTokens.admitting(tenants, tenant).key());
        letter.put("request", fields);
        String named = tenant == null ? tenants.defaultTenant().name() : inId(tenant);
        exchange.setVariable(ID, named + ":" + type + ":request:" + CloudEvent.digest(fields));
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(letter);
    }

    /**
     * Logs the request just kept as letter {@value #ID}: one WARN line a minute per route and reason, the next one counting
     * those kept alike since.
     */
    public void logKept(Exchange exchange) {
        String route = exchange.getFromRouteId();
        String reason = secrets.scrub(exchange.getVariable(ApiErrors.MESSAGE, String.class));
        kept.warn(route + " " + QUOTED.matcher(String.valueOf(reason)).replaceAll("''"), "A request to " + route
                + " cannot become an event (" + reason + "): kept as dead letter " + exchange.getVariable(ID, String.class));
    }

    private String inId(String tenant) {
        boolean served = tenants.find(tenant).isPresent();
        return tenant.length() <= MAX_TENANT_IN_ID && (served || TENANT_LABEL.matcher(tenant).matches()) ? tenant : "unknown-tenant";
    }
}
