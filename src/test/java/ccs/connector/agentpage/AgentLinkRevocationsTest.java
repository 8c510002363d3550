package ccs.connector.agentpage;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.state.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Revocations that race: with a page opening, and with each other. */
class AgentLinkRevocationsTest {

    private static final String AGENT = "ayse@demo.example";
    private static final Tenants TENANTS = new Tenants(List.of(new Tenant("demo", "http://127.0.0.1:9/api/", "t", ZoneId.of("Europe/Istanbul"))), "demo");

    @TempDir
    Path dir;

    /** The system's clock; the revoking thread, once it has read the time, waits there until the page has opened. */
    private static final class RevocationPausingClock extends Clock {
        final ThreadLocal<Boolean> revoking = ThreadLocal.withInitial(() -> false);
        final CountDownLatch timeRead = new CountDownLatch(1);
        final CountDownLatch opened = new CountDownLatch(1);

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            Instant now = Instant.now();
            if (revoking.get()) {
                timeRead.countDown();
                try {
                    opened.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return now;
        }
    }

    @Test
    void aPageOpenedWhileTheRevocationIsWrittenIsRefusedOnceItIsAnswered() throws Exception {
        try (Database database = Database.h2(dir)) {
            RevocationPausingClock clock = new RevocationPausingClock();
            AgentLinks links = new AgentLinks("a-secret-of-the-agent-page-links-0123456789", TENANTS, "http://localhost/agent",
                    Duration.ofMinutes(2), Duration.ofHours(8), new AgentPageRevocations(database, Duration.ofHours(8)),
                    new AgentLinkOpenings(database), clock);
            Map<String, String> link = query((String) links.link(Map.of("agentEmail", AGENT)).get("url"));
            // the link is of an earlier second than the revocation
            Thread.sleep(1_100);

            CompletableFuture<Map<String, Object>> revocation = CompletableFuture.supplyAsync(() -> {
                clock.revoking.set(true);
                return links.revoke(AGENT, "demo");
            });
            assertThat(clock.timeRead.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(5);
            String cookie = links.open(link.get("agent"), link.get("tenant"), link.get("expires"), link.get("nonce"), link.get("signature"), null);
            clock.opened.countDown();
            Instant revokedAt = Instant.parse((String) revocation.get(10, TimeUnit.SECONDS).get("revokedAt"));

            String issuedAt = cookie.split(";")[0].split("\\.")[2];
            assertThat(Instant.ofEpochMilli(Long.parseLong(issuedAt))).as("the cookie was issued before the answered revocation").isBefore(revokedAt);
            assertThatThrownBy(() -> links.admit(cookie.split(";")[0], null)).isInstanceOf(AgentLinkRefusedException.class)
                    .hasMessageContaining("revoked");
        }
    }

    @Test
    void aRevocationWhoseWriteLandsAfterALaterOneDoesNotMoveItBack() throws Exception {
        try (Database database = Database.h2(dir)) {
            AgentPageRevocations revocations = new AgentPageRevocations(database, Duration.ofHours(8));
            Instant later = Instant.now();
            revocations.revoke("demo", AGENT, later);
            revocations.revoke("demo", AGENT, later.minusSeconds(5));

            assertThat(revocations.revoked("demo", AGENT, later.minusSeconds(1))).isTrue();
            assertThat(revocations.revoked("demo", AGENT, later.plusMillis(1))).isFalse();
        }
    }

    private static Map<String, String> query(String url) {
        Map<String, String> parameters = new HashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            String[] nameAndValue = pair.split("=", 2);
            parameters.put(nameAndValue[0], URLDecoder.decode(nameAndValue[1], StandardCharsets.UTF_8));
        }
        return parameters;
    }
}
