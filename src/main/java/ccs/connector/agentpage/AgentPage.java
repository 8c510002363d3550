package ccs.connector.agentpage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Content-Security-Policy of the agent page ({@value #RESOURCE}): its own inline script and style
 * only (by their SHA-256, taken from the page at startup, so an edited page keeps working), requests
 * to its own doors only, frames from the softphone's origins only, and framed only by the configured
 * CRM origins ({@code connector.agent-page.frame-ancestors}; none when empty).
 */
public final class AgentPage {

    public static final String RESOURCE = "agent-page/agent-page.html";

    private static final Pattern SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);
    private static final Pattern STYLE = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL);

    private final String contentSecurityPolicy;

    public AgentPage(Collection<String> softphoneOrigins, List<String> frameAncestors) {
        String html = page(RESOURCE);
        contentSecurityPolicy = "default-src 'none'; script-src " + hashes(SCRIPT, html) + "; style-src " + hashes(STYLE, html)
                + "; connect-src 'self'; img-src 'self' data:; frame-src " + String.join(" ", softphoneOrigins)
                + "; base-uri 'none'; form-action 'none'; frame-ancestors "
                + (frameAncestors.isEmpty() ? "'none'" : String.join(" ", frameAncestors));
    }

    /** The agent page's policy, or that of another page of the connector's own (which frames nothing and is framed by nothing). */
    private AgentPage(String contentSecurityPolicy) {
        this.contentSecurityPolicy = contentSecurityPolicy;
    }

    /**
     * The policy of a page that talks only to the connector ({@code resource} on the class path, e.g. the
     * status page): its own inline script and style, requests to the connector only, no frames.
     */
    public static AgentPage policyOfOwnPage(String resource) {
        String html = page(resource);
        return new AgentPage("default-src 'none'; script-src " + hashes(SCRIPT, html) + "; style-src " + hashes(STYLE, html)
                + "; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    }

    public String contentSecurityPolicy() {
        return contentSecurityPolicy;
    }

    private static String hashes(Pattern element, String html) {
        StringBuilder hashes = new StringBuilder();
        Matcher matcher = element.matcher(html);
        while (matcher.find()) {
            hashes.append(hashes.isEmpty() ? "" : " ").append("'sha256-").append(sha256(matcher.group(1))).append("'");
        }
        return hashes.isEmpty() ? "'none'" : hashes.toString();
    }

    private static String sha256(String text) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String page(String resource) {
        try (InputStream in = AgentPage.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
