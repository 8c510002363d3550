package ccs.connector.agentpage;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import ccs.connector.api.ForbiddenException;
import ccs.connector.api.ServerProblems;
import ccs.connector.api.TooManyRequestsException;
import ccs.connector.api.HeadersInUrl;
import ccs.connector.ccs.Tenants;
import ccs.connector.event.InvalidFieldException;
import ccs.connector.session.AgentSessions;
import org.apache.camel.Exchange;
import org.apache.camel.Header;

/**
 * The signed links that open the agent page for one agent, and the cookie that opening one sets.
 * <ul>
 * <li>The CRM asks {@code POST /api/v1/agent-links} ({@link #link}) for an agent: the answer is a URL of
 *     the page carrying the agent, the tenant, an expiry, a random nonce and an HMAC-SHA256 signature with
 *     {@code connector.agent-page.secret}. It opens the page once ({@link AgentLinkOpenings}).</li>
 * <li>Opening it ({@link #open}) sets cookie {@value #COOKIE}: HttpOnly, SameSite=Strict, path
 *     {@code /agent}, carrying the agent, the tenant and when it was issued, signed the same way (for another purpose,
 *     so a link is no cookie and a cookie no link), valid {@code connector.agent-page.cookie-ttl}.</li>
 * <li>The page's doors answer only with that cookie ({@link #admit}) and only for its agent ({@link #check}).</li>
 * <li>{@code DELETE /api/v1/agent-links} ({@link #revoke}) refuses every link and cookie issued for an agent until then.</li>
 * </ul>
 * Signatures are compared in constant time; nothing secret is ever in a message.
 */
public final class AgentLinks {

    public static final String COOKIE = "ccs-agent";
    /** The purpose a page cookie is signed for; a cookie of the earlier form (signed as "cookie", holding its expiry) is refused. */
    private static final String PAGE = "page";
    /** The purpose a link is signed for; a link of the earlier form (without a nonce) is refused. */
    private static final String LINK = "link";

    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder UNBASE64 = Base64.getUrlDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final Tenants tenants;
    private final String pageUrl;
    private final Duration linkTtl;
    private final Duration cookieTtl;
    private final AgentPageRevocations revocations;
    private final AgentLinkOpenings openings;
    private final Clock clock;

    public AgentLinks(String secret, Tenants tenants, String pageUrl, Duration linkTtl, Duration cookieTtl, AgentPageRevocations revocations,
                      AgentLinkOpenings openings, Clock clock) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        this.tenants = tenants;
        this.pageUrl = pageUrl;
        this.linkTtl = linkTtl;
        this.cookieTtl = cookieTtl;
        this.revocations = revocations;
        this.openings = openings;
        this.clock = clock;
    }

    /** A link to the page for the agent of the request ({@code agentEmail}, optional {@code tenant}): {@code {url, expiresAt}}. */
    public Map<String, Object> link(Map<String, Object> request) {
        if (request == null) {
            throw new IllegalArgumentException("the body must be a JSON object such as {\"agentEmail\": \"ayse@acme.example\"}");
        }
        String agent = agentEmail(request.get("agentEmail"));
        Object tenantName = request.get("tenant");
        if (tenantName != null && !(tenantName instanceof String)) {
            throw new InvalidFieldException("tenant", "must be a string: the name of a tenant this connector serves");
        }
        String tenant = tenants.get((String) tenantName).name();
        // in milliseconds: the link's issue (its expiry less the TTL) is then exact, and one asked for right after a
        // revocation opens the page
        long expires = clock.instant().plus(linkTtl).toEpochMilli();
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String nonce = BASE64.encodeToString(random);
        String url = pageUrl + (pageUrl.contains("?") ? "&" : "?") + "agent=" + encode(agent) + "&tenant=" + encode(tenant)
                + "&expires=" + expires + "&nonce=" + nonce + "&signature=" + sign(LINK, agent, tenant, Long.toString(expires), nonce);
        return Map.of("url", url, "agentEmail", agent, "expiresAt", Instant.ofEpochMilli(expires).toString());
    }

    /**
     * The {@code Set-Cookie} value for a page opened through a link, or null when the request carries
     * no link at all; an altered, foreign, expired or already opened link is refused. A HEAD of the link
     * ({@code head}: {@link ServerProblems#HEAD_REQUEST} with the server's mark, {@link ServerProblems#servedForHead}) is checked the same way but
     * opens nothing, as a safe method must: the link still opens the page once, and the answer is an empty
     * cookie, none to set.
     */
    public String open(@Header("agent") String agent, @Header("tenant") String tenant, @Header("expires") String expires,
                       @Header("nonce") String nonce, @Header("signature") String signature,
                       @Header(ServerProblems.HEAD_REQUEST) String head) {
        if (blank(agent) && blank(tenant) && blank(expires) && blank(nonce) && blank(signature)) {
            return null;
        }
        String refusal = "the agent link is incomplete, altered or not signed by this connector: "
                + "open the page through a link the CRM asks for (POST /api/v1/agent-links)";
        if (blank(nonce) || !nonce.matches("[A-Za-z0-9_-]{22}")) {
            throw new AgentLinkRefusedException(refusal);
        }
        long expiresAt = verified(LINK, agent, tenant, expires, signature, refusal, nonce);
        // the cookie's time, taken before the revocation is read: a revocation that lands while the page opens ends on a
        // time after it (revoke)
        long issuedAt = clock.millis();
        // expired from its expiry on: its opening's record (AGENT_LINK_OPENING) is kept only until then
        if (issuedAt >= expiresAt) {
            throw new AgentLinkRefusedException("the agent link expired at " + Instant.ofEpochMilli(expiresAt) + ": ask the CRM for a new one");
        }
        if (revocations.revoked(tenant, agent, Instant.ofEpochMilli(expiresAt).minus(linkTtl))) {
            throw new AgentLinkRefusedException("the agent's pages were revoked (DELETE /api/v1/agent-links) after this link was issued: "
                    + "ask the CRM for a new one");
        }
        boolean headOnly = ServerProblems.servedForHead(head);
        if (headOnly ? openings.opened(nonce) : !openings.first(nonce, Instant.ofEpochMilli(expiresAt), Instant.ofEpochMilli(issuedAt))) {
            throw new AgentLinkRefusedException("the agent link was opened already: a link opens the page once, "
                    + "so ask the CRM for a new one each time the page is opened");
        }
        if (headOnly) {
            return "";
        }
        String value = String.join(".", BASE64.encodeToString(utf8(agent)), BASE64.encodeToString(utf8(tenant)),
                Long.toString(issuedAt), sign(PAGE, agent, tenant, Long.toString(issuedAt)));
        return COOKIE + "=" + value + "; Path=/agent; Max-Age=" + cookieTtl.toSeconds() + "; HttpOnly; SameSite=Strict"
                + (pageUrl.startsWith("https:") ? "; Secure" : "");
    }

    /** The agent a request of the page's doors comes from, by its cookie (a header, never the URL); refused without a valid one. */
    public AgentPass admit(@Header("Cookie") String cookies, @Header(Exchange.HTTP_QUERY) String query) {
        HeadersInUrl.refuse(query, "Cookie");
        String refusal = "this door answers only the agent page opened through a signed link (POST /api/v1/agent-links): "
                + "open the page through a new link";
        String value = cookie(cookies);
        String[] parts = value == null ? new String[0] : value.split("\\.", -1);
        if (parts.length != 4) {
            throw new AgentLinkRefusedException(refusal);
        }
        String agent;
        String tenant;
        try {
            agent = new String(UNBASE64.decode(parts[0]), StandardCharsets.UTF_8);
            tenant = new String(UNBASE64.decode(parts[1]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new AgentLinkRefusedException(refusal);
        }
        Instant issuedAt = Instant.ofEpochMilli(verified(PAGE, agent, tenant, parts[2], parts[3], refusal));
        if (clock.instant().isAfter(issuedAt.plus(cookieTtl))) {
            throw new AgentLinkRefusedException("the agent page's sign-in expired: open the page through a new link");
        }
        if (revocations.revoked(tenant, agent, issuedAt)) {
            throw new AgentLinkRefusedException("the agent's pages were revoked (DELETE /api/v1/agent-links) after this one was opened: "
                    + "open the page through a new link");
        }
        return new AgentPass(agent, tenant);
    }

    /**
     * Refuses every link and page cookie issued for the agent ({@code agentEmail}, optional {@code tenant}) until now, on
     * every replica: {@code {agentEmail, tenant, revokedAt}}. A link asked for afterwards opens the page again.
     */
    public Map<String, Object> revoke(String agentEmail, String tenantName) {
        String agent = agentEmail(agentEmail);
        String tenant = tenants.get(tenantName).name();
        revocations.revoke(tenant, agent, clock.instant());
        // a page that opened while that was written read the store before it, with a cookie's time up to now: it is refused
        // from this second write on, and any link opened from now on meets the first
        Instant revokedAt = clock.instant();
        revocations.revoke(tenant, agent, revokedAt);
        return Map.of("agentEmail", agent, "tenant", tenant, "revokedAt", revokedAt.toString());
    }

    /**
     * The agent's page asked a door ({@code screen-pops}, {@code statuses}) more often within a minute than it may: 429, to
     * ask again within the minute.
     */
    public void tooManyRequests(String door, int perMinute) {
        throw new TooManyRequestsException("this agent's page asked for more than " + perMinute + " " + door.replace('-', ' ')
                + " within a minute (connector.agent-page." + door + "-per-minute): try again later", 60);
    }

    /** The pass, when the request names no other agent or tenant than its own; else 403. */
    public AgentPass check(AgentPass pass, String agentEmail, String tenant) {
        if (!blank(agentEmail) && !agentEmail.trim().equalsIgnoreCase(pass.agent())) {
            throw new ForbiddenException("this agent page was opened for another agent: it serves only its own agent");
        }
        if (!blank(tenant) && !tenant.trim().equalsIgnoreCase(pass.tenant())) {
            throw new ForbiddenException("this agent page was opened for another tenant: it serves only its own");
        }
        return pass;
    }

    /**
     * The time that a link's or cookie's signature covers (a link's expiry, a cookie's issue, in milliseconds);
     * {@code more}: what else it covers (a link's nonce).
     */
    private long verified(String purpose, String agent, String tenant, String time, String signature, String refusal, String... more) {
        if (blank(agent) || blank(tenant) || blank(time) || blank(signature) || !time.matches("[0-9]{1,13}")) {
            throw new AgentLinkRefusedException(refusal);
        }
        String[] signed = Stream.concat(Stream.of(agent, tenant, time), Stream.of(more)).toArray(String[]::new);
        if (!MessageDigest.isEqual(utf8(sign(purpose, signed)), utf8(signature))) {
            throw new AgentLinkRefusedException(refusal);
        }
        return Long.parseLong(time);
    }

    private String sign(String purpose, String... parts) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return BASE64.encodeToString(mac.doFinal(utf8(purpose + "\n" + String.join("\n", parts))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    /** The agent's e-mail in lower case: Call Center Studio knows an agent by it in any case, and the page's events name one agent one way. */
    private static String agentEmail(Object value) {
        if (!(value instanceof String text) || text.isBlank()) {
            throw new InvalidFieldException("agentEmail", (value == null || value instanceof String ? "is missing" : "must be a string")
                    + ": the e-mail the agent signs in to Call Center Studio with");
        }
        return AgentSessions.agentEmail(text);
    }

    /**
     * The value of this page's cookie in a {@code Cookie} header, or null. Two are refused: another site under the page's
     * domain (a sibling host) can set one for the whole domain, a valid one of its own agent, which the browser sends
     * beside the page's; taking the first, the page served that other agent, its softphone and screen pops.
     */
    private static String cookie(String cookies) {
        if (cookies == null) {
            return null;
        }
        String value = null;
        for (String pair : cookies.split(";")) {
            String trimmed = pair.trim();
            if (trimmed.startsWith(COOKIE + "=")) {
                if (value != null) {
                    throw new AgentLinkRefusedException("the request carries two " + COOKIE + " cookies, one set by another site under "
                            + "this domain: clear this site's cookies in the browser and open the page through a new link");
                }
                value = trimmed.substring(COOKIE.length() + 1);
            }
        }
        return value;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    private static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "AgentLinks[key ***]";
    }
}
