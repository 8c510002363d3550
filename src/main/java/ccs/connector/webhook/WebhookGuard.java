package ccs.connector.webhook;

import ccs.connector.config.SharedSecret;
import io.vertx.core.net.SocketAddress;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;

/**
 * The first step of every webhook request (route configuration {@code webhook-intake}): the
 * {@code token} query parameter, or without one the {@code Authorization: Bearer} credential (as
 * some tenants' web-URL settings send it), must be {@code connector.webhook-token} (compared in
 * constant time, 401 otherwise) or, while a rotation lasts, {@code connector.webhook-token.previous}: the calls
 * dialled before the change end with a hangup URL that carries the old one, and an IVR step is set to the new
 * one by hand; a {@code token} given twice is a 400 (which one counts would be a guess). With
 * {@code connector.webhook.allowed-networks} set the peer address
 * must lie in one of them (403). The peer is the TCP peer as the HTTP server saw it;
 * {@code X-Forwarded-For} is never trusted.
 */
public final class WebhookGuard {

    private final SharedSecret token;
    /** The token before a rotation; null when none is set. */
    private final SharedSecret previousToken;
    private final IpNetworks allowed;

    /**
     * {@code token} must not be empty (the settings require it): an empty secret would accept any request. An empty
     * {@code previousToken} means no rotation is under way.
     */
    public WebhookGuard(String token, String previousToken, IpNetworks allowed) {
        this.token = new SharedSecret(token);
        this.previousToken = previousToken == null || previousToken.isEmpty() ? null : new SharedSecret(previousToken);
        this.allowed = allowed;
    }

    public void check(Exchange exchange) {
        WebhookRequests.once(exchange.getMessage(), "token");
        String presented = WebhookRequests.query(exchange.getMessage()).get("token");
        String bearer = presented == null ? WebhookRequests.bearer(exchange.getMessage()) : null;
        String given = presented != null ? presented : bearer;
        if (token.refuses(given) && (previousToken == null || previousToken.refuses(given))) {
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
