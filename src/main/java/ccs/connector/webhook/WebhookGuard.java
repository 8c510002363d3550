package ccs.connector.webhook;

import ccs.connector.config.SharedSecret;
import io.vertx.core.net.SocketAddress;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;

/**
 * The first step of every webhook request (route configuration {@code webhook-intake}): the
 * {@code token} query parameter, or without one the {@code Authorization: Bearer} credential (as
 * some tenants' web-URL settings send it), must be {@code connector.webhook-token} (compared in
 * constant time, 401 otherwise), and with {@code connector.webhook.allowed-networks} set the peer address
 * must lie in one of them (403). The peer is the TCP peer as the HTTP server saw it;
 * {@code X-Forwarded-For} is never trusted.
 */
public final class WebhookGuard {

    private final SharedSecret token;
    private final IpNetworks allowed;

    /** {@code token} must not be empty (the settings require it): an empty secret would accept any request. */
    public WebhookGuard(String token, IpNetworks allowed) {
        this.token = new SharedSecret(token);
        this.allowed = allowed;
    }

    public void check(Exchange exchange) {
        String presented = WebhookRequests.query(exchange.getMessage()).get("token");
        String bearer = presented == null ? WebhookRequests.bearer(exchange.getMessage()) : null;
        if (token.refuses(presented != null ? presented : bearer)) {
            throw WebhookRefusedException.token(presented != null && !presented.isEmpty()
                    ? "query parameter token does not match connector.webhook-token"
                    : bearer != null ? "the Authorization header's bearer credential does not match connector.webhook-token"
                    : "query parameter token is missing: webhooks must carry connector.webhook-token (or send it as Authorization: Bearer)");
        }
        if (!allowed.allowsAny() && !allowed.allows(peer(exchange))) {
            throw WebhookRefusedException.source();
        }
    }

    private static String peer(Exchange exchange) {
        Object remote = exchange.getMessage().getHeader(VertxPlatformHttpConstants.REMOTE_ADDRESS);
        return remote instanceof SocketAddress address ? address.hostAddress() : null;
    }
}
