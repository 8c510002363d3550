package ccs.connector.webhook;

import java.util.List;
import java.util.Map;

import ccs.connector.ccs.Tenants;
import io.vertx.core.net.SocketAddress;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;

/**
 * The first step of every webhook request (route configuration {@code webhook-intake}): the
 * {@code token} query parameter, or without one the {@code Authorization: Bearer} credential (as
 * some tenants' web-URL settings send it), must be the token of the tenant the request names ({@link WebhookTokens}:
 * the tenant's own {@code ccs.tenant.<name>.webhook-token}, else {@code connector.webhook-token}; compared in
 * constant time, 401 otherwise) or, while a rotation lasts, the one that token replaces ({@code .previous}): the calls
 * dialled before the change end with a hangup URL that carries the old one, and an IVR step is set to the new
 * one by hand. A {@code token} or {@code tenant} given twice is a 400 (which one counts would be a guess). With
 * {@code connector.webhook.allowed-networks} set the peer address
 * must lie in one of them (403). The peer is the TCP peer as the HTTP server saw it;
 * {@code X-Forwarded-For} is never trusted.
 */
public final class WebhookGuard {

    private final WebhookTokens tokens;
    private final Tenants tenants;
    private final IpNetworks allowed;
    private final RefusedWebhooks refusals = new RefusedWebhooks();

    public WebhookGuard(WebhookTokens tokens, Tenants tenants, IpNetworks allowed) {
        this.tokens = tokens;
        this.tenants = tenants;
        this.allowed = allowed;
    }

    public void check(Exchange exchange) {
        Message message = exchange.getMessage();
        Map<String, Object> query = WebhookRequests.query(message);
        // the tenant chooses the token: the guard and the route must read the same one, where another reader of the URL
        // might take the last of two
        for (String name : List.of("token", "tenant")) {
            if (query.get(name) instanceof List<?> values) {
                refusals.refused(exchange.getFromRouteId(), name + " given " + values.size() + " times in the query", peer(exchange));
                throw WebhookRefusedException.repeated(name, values.size());
            }
        }
        String presented = WebhookRequests.single(query, "token");
        String bearer = presented == null ? WebhookRequests.bearer(message) : null;
        WebhookTokens.Token token = tokens.admitting(tenants, WebhookRequests.single(query, "tenant"));
        if (!token.admits(presented != null ? presented : bearer)) {
            boolean inQuery = presented != null && !presented.isEmpty();
            // the log's line in words that its masking of credentials leaves readable ("bearer ***")
            refusals.refused(exchange.getFromRouteId(), (inQuery ? "query parameter token does not match "
                    : bearer != null ? "the credential of its Authorization header does not match " : "it carries no token of ") + token.key(),
                    peer(exchange));
            throw WebhookRefusedException.token(inQuery ? "query parameter token does not match " + token.key()
                    : bearer != null ? "the Authorization header's bearer credential does not match " + token.key()
                    : "query parameter token is missing: webhooks must carry " + token.key() + " (or send it as Authorization: Bearer)");
        }
        if (!allowed.allowsAny() && !allowed.allows(peer(exchange))) {
            refusals.refused(exchange.getFromRouteId(), "its address is outside connector.webhook.allowed-networks", peer(exchange));
            throw WebhookRefusedException.source();
        }
    }

    private static String peer(Exchange exchange) {
        Object remote = exchange.getMessage().getHeader(VertxPlatformHttpConstants.REMOTE_ADDRESS);
        return remote instanceof SocketAddress address ? address.hostAddress() : null;
    }
}
