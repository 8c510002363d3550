package ccs.connector.crm;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import ccs.connector.event.CloudEvent;
import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.LogCapture;
import ccs.connector.support.RecordingHttpServer;
import ccs.connector.support.RecordingHttpServer.Answer;
import ccs.connector.support.RecordingHttpServer.Received;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The REST sink against a real local HTTP server standing for the CRM. */
class RestSinkTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** The signature a flow URL carries in its query, as a Logic Apps or Power Automate trigger URL does: its credential. */
    private static final String FLOW_SIGNATURE = "sIgNaTuRe_Of-ThE.FlOw/AbCdEfGhIjK+LmNoP";
    private static final String FLOW_QUERY = "api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sig="
            + URLEncoder.encode(FLOW_SIGNATURE, StandardCharsets.UTF_8);
    private final ObjectMapper json = new ObjectMapper();
    private RecordingHttpServer crm;
    private RecordingHttpServer elsewhere;

    @Override
    protected void settings(Properties settings) {
        crm = startHttpServer();
        elsewhere = startHttpServer();
        settings.setProperty("crm.sink", "rest");
        settings.setProperty("crm.rest.url", crm.url("/events") + "?" + FLOW_QUERY);
        settings.setProperty("crm.rest.auth", "bearer");
        settings.setProperty("crm.rest.token", "crm-bearer-token-123");
        crmRetries(settings, 3, "2s");
        // the retry budget and its dead letters, also when no other event reaches the CRM meanwhile (a CRM away: CrmAwayHoldTest)
        settings.setProperty("crm.retry.while-away", "0s");
        settings.setProperty("camel.component.http.response-timeout", "1000");
        settings.setProperty("camel.component.http.so-timeout", "1000");
    }

    @BeforeEach
    void resetCrm() {
        crm.reset();
        elsewhere.reset();
    }

    @Test
    void anEventIsPostedAsAStructuredCloudEventWithItsIdAsIdempotencyKey() throws Exception {
        CloudEvent event = hangupEvent("rest-ok-1");
        publish(event);

        Received post = awaitDelivered(event.getId());
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.path()).isEqualTo("/events");
        assertThat(post.header("Content-Type")).startsWith("application/cloudevents+json");
        assertThat(post.header("Authorization")).isEqualTo("Bearer crm-bearer-token-123");
        JsonNode body = json.readTree(post.body());
        assertThat(body.get("specversion").asText()).isEqualTo("1.0");
        assertThat(body.get("id").asText()).isEqualTo("demo:ccs.call.hangup:rest-ok-1");
        assertThat(body.get("source").asText()).isEqualTo("ccs/demo");
        assertThat(body.get("type").asText()).isEqualTo("ccs.call.hangup");
        assertThat(body.get("subject").asText()).isEqualTo("rest-ok-1");
        assertThat(body.get("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(body.get("time").asText()).isEqualTo("2026-11-02T07:00:42Z");
        assertThat(body.at("/data/startedAt").asText()).isEqualTo("2026-11-02T07:00:00Z");
        assertThat(body.at("/data/durationSeconds").asInt()).isEqualTo(42);
        assertThat(body.at("/data/raw/call_id").asText()).isEqualTo("rest-ok-1");
    }

    @Test
    void aCrmThatAnswers503ThenRecoversGetsEachEventOnce() throws Exception {
        crm.thenAnswer(Answer.status(503)).thenAnswer(Answer.status(503));
        List<CloudEvent> sent = Stream.of("rest-503-a", "rest-503-b", "rest-503-c").map(this::hangupEvent).toList();
        sent.forEach(this::publish);

        for (CloudEvent event : sent) {
            awaitDelivered(event.getId());
        }
        Thread.sleep(500);
        for (CloudEvent event : sent) {
            assertThat(requestsFor(event.getId()).stream().filter(Received::answeredOk)).hasSize(1);
        }
        assertThat(crm.received().stream().filter(r -> r.status() == 503)).hasSize(2);
        assertThat(deadLetters()).doesNotContainKeys(sent.stream().map(CloudEvent::getId).toArray(String[]::new));
    }

    /**
     * A 503 of a proxy's error page in another charset (Apache's iso-8859-1), in one Java does not know (a PHP app's
     * utf8mb4), or in a name that is no charset's (quoted, as some servers write it: it went to the dead letters at once):
     * the event is retried, in UTF-8 as its first attempt, and delivered once the CRM is back.
     */
    @Test
    void anAnswerInAnotherCharsetOrInOneJavaDoesNotKnowChangesNeitherTheRetryNorTheCharsetOfTheEvent() throws Exception {
        for (String charset : List.of("iso-8859-1", "utf8mb4", "'utf-8'")) {
            crm.reset();
            crm.thenAnswer(new Answer(503, "<html><body>Service Unavailable</body></html>", Map.of("Content-Type", "text/html; charset=" + charset),
                    Duration.ZERO));
            CloudEvent event = events().hangup(null, Map.of("call_id", "rest-charset-" + charset.replace("'", ""), "call_date", "2026-11-02 10:00:00",
                    "duration", "42", "agent_username", "ayşe.öztürk@demo.example", "disposition", "ANSWER", "tenant", "demo"));
            publish(event);

            Received delivered = awaitDelivered(event.getId());
            assertThat(json.readTree(delivered.body()).at("/data/agentUsername").asText()).as(charset).isEqualTo("ayşe.öztürk@demo.example");
            assertThat(delivered.header("Content-Type")).as(charset).doesNotContainIgnoringCase(charset);
            assertThat(requestsFor(event.getId())).as(charset).hasSize(2);
            assertThat(deadLetters()).as(charset).doesNotContainKey(event.getId());
        }
    }

    /** A 2xx whose charset is no charset's name is delivered: it was answered 200, and then dead-lettered. */
    @Test
    void aTwoHundredInACharsetNamedAsNoneIsDelivered() throws Exception {
        crm.reset();
        crm.thenAnswer(new Answer(200, "{\"ok\": true}", Map.of("Content-Type", "application/json; charset='utf-8'"), Duration.ZERO));
        double before = deliveredHangups();
        CloudEvent event = hangupEvent("rest-charset-quoted-200");
        publish(event);

        await().atMost(PATIENCE).until(() -> deliveredHangups() > before);
        assertThat(requestsFor(event.getId())).hasSize(1);
        assertThat(deadLetters()).doesNotContainKey(event.getId());
    }

    private double deliveredHangups() throws Exception {
        Matcher counted = Pattern.compile(
                "ccs_crm_deliveries_total\\{[^}]*outcome=\"delivered\"[^}]*sink=\"rest\",type=\"ccs.call.hangup\"} (\\S+)").matcher(get("/observe/metrics").body());
        return counted.find() ? Double.parseDouble(counted.group(1)) : 0;
    }

    @Test
    void eachRetryIsLoggedNamingItsEventWhereCamelNamedItsExchange() throws Exception {
        // the operator of a CRM incident traces each call tried again: its id names the tenant and the call
        LogCapture.install();
        // this test's lines: an earlier test's redelivered message is no retry of this event
        int before = LogCapture.text().length();
        CloudEvent event = hangupEvent("rest-retry-logged");
        AtomicBoolean refusedOnce = new AtomicBoolean();
        crm.answerWhen(r -> r.body().contains(event.getId()) && refusedOnce.compareAndSet(false, true), Answer.status(503));
        publish(event);

        awaitDelivered(event.getId());
        crm.clearRules();
        assertThat(LogCapture.text().substring(before)).contains("Event demo:ccs.call.hangup:rest-retry-logged (transaction crm-rest-retry-logged) not"
                        + " delivered to the CRM (rest sink), tried again (retry 1 of 3): RetryableDeliveryException: the CRM answered HTTP 503")
                .doesNotContain("DeadLetterChannel - Failed delivery for (MessageId");
    }

    @Test
    void a400GoesToTheDeadLettersAtOnceAndTheOthersContinue() throws Exception {
        CloudEvent bad = hangupEvent("rest-400-bad");
        crm.answerWhen(r -> r.body().contains(bad.getId()), Answer.status(400));
        List<CloudEvent> good = Stream.of("rest-400-good-1", "rest-400-good-2").map(this::hangupEvent).toList();
        publish(bad);
        good.forEach(this::publish);

        good.forEach(event -> awaitDelivered(event.getId()));
        await().atMost(PATIENCE).until(() -> deadLetters().containsKey(bad.getId()));
        JsonNode listed = deadLetters().get(bad.getId());
        assertThat(listed.get("kind").asText()).isEqualTo("event");
        assertThat(listed.get("reason").asText()).contains("400");
        assertThat(listed.get("attempts").asInt()).isEqualTo(1);
        assertThat(listed.get("failedAt").asText()).isNotBlank();
        assertThat(listed.has("event")).as("the listing shows no content").isFalse();
        assertThat(json.readTree(deadLetterTexts().get(bad.getId())).at("/event/id").asText()).isEqualTo(bad.getId());
        assertThat(requestsFor(bad.getId())).hasSize(1);
        assertThat(get("/observe/metrics").body()).containsPattern("ccs_crm_dead_letters_total\\{.*sink=\"rest\".*} [1-9]")
                .containsPattern("ccs_crm_deliveries_total\\{.*outcome=\"dead-lettered\".*sink=\"rest\".*} [1-9]");
    }

    @Test
    void aDeadLetterSaysWhatTheCrmAnsweredBesidesItsStatusButNoCredential() throws Exception {
        CloudEvent invalid = hangupEvent("rest-why-400");
        // its validation message over several lines, the bearer token the request carried echoed back, and far more after it
        crm.answerWhen(r -> r.body().contains(invalid.getId()), Answer.json(400,
                "{\n  \"error\":   \"phone is required\",\n  \"seen\": \"crm-bearer-token-123\",\n  \"numbers\": \"0532 123 45 67, +90 (532) 123-4567, "
                        + "05321234567\",\n  \"trace\": \"" + "x".repeat(100_000) + "\"}"));
        CloudEvent moved = hangupEvent("rest-why-301");
        crm.answerWhen(r -> r.body().contains(moved.getId()), Answer.status(301).withHeader("Location", "https://crm.acme.example/api/v2/events"));
        CloudEvent unauthorized = hangupEvent("rest-why-401");
        crm.answerWhen(r -> r.body().contains(unauthorized.getId()), Answer.status(401).withHeader("WWW-Authenticate", "Basic realm=\"CRM events\""));
        // RFC 6750's challenge: its auth-params are no credential
        CloudEvent expired = hangupEvent("rest-why-bearer-401");
        crm.answerWhen(r -> r.body().contains(expired.getId()), Answer.status(401)
                .withHeader("WWW-Authenticate", "Bearer realm=\"CRM events\", error=\"invalid_token\""));
        CloudEvent unavailable = hangupEvent("rest-why-503");
        crm.answerWhen(r -> r.body().contains(unavailable.getId()), Answer.json(503, "{\"error\": \"maintenance until 22:00\"}"));
        // an answer with an Authorization of its own: the request's was masked only while the answer left it in place
        CloudEvent reauthorized = hangupEvent("rest-why-reauthorized");
        crm.answerWhen(r -> r.body().contains(reauthorized.getId()), Answer.json(400, "{\"seen\": \"crm-bearer-token-123\"}")
                .withHeader("Authorization", "Bearer renewed-value-xyz"));
        CloudEvent good = hangupEvent("rest-why-ok");
        List<CloudEvent> refused = List.of(invalid, moved, unauthorized, expired, unavailable, reauthorized);
        refused.forEach(this::publish);
        publish(good);

        awaitDelivered(good.getId());
        await().atMost(PATIENCE).until(() -> deadLetters().keySet().containsAll(refused.stream().map(CloudEvent::getId).toList()));
        Map<String, JsonNode> letters = deadLetters();
        assertThat(letters.get(invalid.getId()).get("reason").asText()).contains("HTTP 400", "{ \"error\": \"phone is required\", \"seen\": \"***\"")
                .contains("\"numbers\": \"***, ***, ***\"").doesNotContain("crm-bearer-token-123").hasSizeLessThan(600);
        assertThat(letters.get(moved.getId()).get("reason").asText()).contains("HTTP 301", "Location: https://crm.acme.example/api/v2/events");
        assertThat(letters.get(unauthorized.getId()).get("reason").asText()).contains("HTTP 401", "WWW-Authenticate: Basic realm=\"CRM events\"");
        assertThat(letters.get(expired.getId()).get("reason").asText())
                .contains("HTTP 401", "WWW-Authenticate: Bearer realm=\"CRM events\", error=\"invalid_token\"");
        assertThat(letters.get(unavailable.getId()).get("reason").asText()).contains("HTTP 503", "maintenance until 22:00");
        assertThat(letters.get(unavailable.getId()).get("attempts").asInt()).isEqualTo(4);
        assertThat(letters.get(reauthorized.getId()).get("reason").asText()).contains("HTTP 400", "\"seen\": \"***\"")
                .doesNotContain("crm-bearer-token-123");
    }

    @Test
    void theSignatureInTheCrmUrlsQueryGoesOutButNeverIntoADeadLetterTheStatusOrTheLog() throws Exception {
        LogCapture.install();
        CloudEvent moved = hangupEvent("rest-sig-301");
        // the CRM moved the flow: its Location repeats the request's URL, signature and all, on another host
        crm.answerWhen(r -> r.body().contains(moved.getId()),
                Answer.status(301).withHeader("Location", "https://flows.acme.example/events?" + FLOW_QUERY));
        CloudEvent quoted = hangupEvent("rest-sig-400");
        // a CRM whose error quotes the request it refuses, as written and decoded
        crm.answerWhen(r -> r.body().contains(quoted.getId()), Answer.json(400, "{\"error\": \"no flow at POST /events?" + FLOW_QUERY
                + "\", \"sig\": \"" + FLOW_SIGNATURE + "\"}"));
        publish(moved);
        publish(quoted);

        await().atMost(PATIENCE).until(() -> deadLetters().keySet().containsAll(List.of(moved.getId(), quoted.getId())));
        assertThat(requestsFor(moved.getId()).get(0).query()).as("the signature goes out as written").isEqualTo(FLOW_QUERY);
        Map<String, JsonNode> letters = deadLetters();
        String signature = FLOW_SIGNATURE.substring(0, 12);
        String encoded = URLEncoder.encode(FLOW_SIGNATURE, StandardCharsets.UTF_8).substring(0, 12);
        assertThat(letters.get(moved.getId()).get("reason").asText()).contains("HTTP 301", "Location: https://flows.acme.example/events")
                .doesNotContain(signature, encoded);
        assertThat(letters.get(quoted.getId()).get("reason").asText()).contains("HTTP 400", "no flow at POST /events?")
                .doesNotContain(signature, encoded);
        assertThat(deadLetterTexts().get(quoted.getId())).doesNotContain(signature, encoded);
        assertThat(get("/api/v1/status").body()).doesNotContain(signature, encoded);
        assertThat(LogCapture.text()).contains(moved.getId(), quoted.getId()).doesNotContain(signature, encoded);
        // this test's letters are not the other tests' to replay
        stateStore().update("DELETE FROM DEAD_LETTER WHERE id IN (?, ?)", moved.getId(), quoted.getId());
    }

    @Test
    void aCrmThatHangsHitsTheResponseTimeoutAndIsRetried() throws Exception {
        crm.thenAnswer(Answer.status(200).after(Duration.ofSeconds(4)));
        CloudEvent event = hangupEvent("rest-hang");
        publish(event);

        await().atMost(PATIENCE).until(() -> requestsFor(event.getId()).size() >= 2);
        awaitDelivered(event.getId());
        assertThat(deadLetters()).doesNotContainKey(event.getId());
    }

    @Test
    void aCrmThatAnswers2xxWithAnAnswerFarTooLongIsReadNoFurtherThanItsStartAndTheEventIsDelivered() throws Exception {
        // read whole, an answer this long took the heap: on the lean profile the connector ended with an OutOfMemoryError,
        // and started again, met the same answer to the same event, and so ended again and again
        String farTooLong = "x".repeat(48 << 20);
        for (Answer far : List.of(Answer.json(200, farTooLong), Answer.json(202, farTooLong).chunked())) {
            int cutShortBefore = crm.answersCutShort();
            CloudEvent event = hangupEvent("rest-2xx-far-too-long-" + far.status());
            crm.answerWhen(r -> r.body().contains(event.getId()), far);
            publish(event);

            await().atMost(PATIENCE).until(() -> crm.answersCutShort() == cutShortBefore + 1);
            crm.clearRules();
            // delivered once: the CRM said 2xx, however long it went on
            CloudEvent next = hangupEvent("rest-after-far-too-long-" + far.status());
            publish(next);
            awaitDelivered(next.getId());
            assertThat(requestsFor(event.getId())).hasSize(1);
            assertThat(deadLetters()).doesNotContainKey(event.getId());
        }
    }

    @Test
    void aCrmWhoseAnswerDripsInIsReadNoLongerThanTheResponseTimeoutAndTheEventIsDeliveredOnce() throws Exception {
        // no read waits as long as camel.component.http.so-timeout (1 s here), so the answer held its delivery consumer,
        // and every event behind it in its message group, for as long as it went on
        int cutShortBefore = crm.answersCutShort();
        CloudEvent event = hangupEvent("rest-2xx-dripping");
        crm.answerWhen(r -> r.body().contains(event.getId()), Answer.json(200, "{\"accepted\": true" + " ".repeat(400) + "}")
                .drippedOver(Duration.ofMinutes(2)));
        publish(event);

        await().atMost(PATIENCE).until(() -> crm.answersCutShort() == cutShortBefore + 1);
        crm.clearRules();
        CloudEvent next = hangupEvent("rest-after-dripping");
        publish(next);
        awaitDelivered(next.getId());
        // the CRM said 200: delivered, not sent again
        assertThat(requestsFor(event.getId())).hasSize(1);
        assertThat(deadLetters()).doesNotContainKey(event.getId());
    }

    @Test
    void a429IsRetriedAfterItsRetryAfter() {
        crm.thenAnswer(Answer.status(429).withHeader("Retry-After", "1"));
        CloudEvent event = hangupEvent("rest-429");
        publish(event);

        awaitDelivered(event.getId());
        List<Received> attempts = requestsFor(event.getId());
        assertThat(attempts).hasSize(2);
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void aRetryAfterLongerThanTheMaximumDelayWaitsOnlyTheMaximumAnd503IsSentOncePerAttempt() throws Exception {
        // the HTTP client would otherwise wait the hour itself, holding the consumer, and repeat every 429 and 503 once
        crm.thenAnswer(Answer.status(429).withHeader("Retry-After", "3600"));
        CloudEvent slowed = hangupEvent("rest-429-hour");
        publish(slowed);
        awaitDelivered(slowed.getId());
        assertThat(requestsFor(slowed.getId())).hasSize(2);

        CloudEvent unavailable = hangupEvent("rest-503");
        crm.answerWhen(r -> r.body().contains(unavailable.getId()), Answer.status(503));
        publish(unavailable);
        await().atMost(PATIENCE).until(() -> deadLetters().containsKey(unavailable.getId()));
        assertThat(requestsFor(unavailable.getId())).as("one request per attempt: 1 + crm.retry.max-retries").hasSize(4);
        assertThat(deadLetters().get(unavailable.getId()).get("attempts").asInt()).isEqualTo(4);
        crm.clearRules();
    }

    @Test
    void aRetryAfterOfZeroStillWaitsTheBackoff() throws Exception {
        CloudEvent event = hangupEvent("rest-retry-after-0");
        crm.answerWhen(r -> r.body().contains(event.getId()), Answer.status(502).withHeader("Retry-After", "0"));
        publish(event);
        await().atMost(PATIENCE).until(() -> deadLetters().containsKey(event.getId()));
        crm.clearRules();

        List<Received> attempts = requestsFor(event.getId());
        assertThat(attempts).hasSize(4);
        // crm.retry.initial-delay 100ms, doubled: 100, 200, 400 ms
        for (int retry = 1; retry < attempts.size(); retry++) {
            assertThat(Duration.between(attempts.get(retry - 1).at(), attempts.get(retry).at()))
                    .isGreaterThanOrEqualTo(Duration.ofMillis(90L << (retry - 1)));
        }
    }

    @Test
    void deadLettersAreDeliveredByAReplayOnceTheCrmRecovers() throws Exception {
        CloudEvent event = hangupEvent("rest-replay");
        crm.answerWhen(r -> r.body().contains(event.getId()), Answer.status(500));
        publish(event);
        await().atMost(PATIENCE).until(() -> deadLetters().containsKey(event.getId()));
        assertThat(requestsFor(event.getId())).hasSize(4);
        assertThat(deadLetters().get(event.getId()).get("attempts").asInt()).isEqualTo(4);
        assertThat(get("/observe/metrics").body()).containsPattern("ccs_crm_retries_total\\{.*sink=\"rest\".*} [3-9]");

        crm.clearRules();
        HttpResponse<String> replay = replay();
        assertThat(replay.body()).isEqualTo("{\"replaying\":1}");
        awaitDelivered(event.getId());
        await().atMost(PATIENCE).until(() -> !deadLetters().containsKey(event.getId()));
    }

    @Test
    void aReplayThatCannotPutTheEventBackLeavesItsIdFinalUntilTheNextReplay() throws Exception {
        CloudEvent event = events().agentStatus("demo", "replay-fails@demo.example", "online", Instant.parse("2026-11-02T07:00:00Z"));
        crm.answerWhen(r -> r.body().contains("replay-fails@"), Answer.status(400));
        publish(event);
        await().atMost(PATIENCE).until(() -> deadLetters().containsKey(event.getId()));
        crm.clearRules();
        // the outbox refuses the event once on its way back (its broker away for a moment)
        AtomicInteger failures = new AtomicInteger();
        AdviceWith.adviceWith(context, "crm-dead-letter-replay", route -> route.weaveByToUri("direct:crm-publish").before().process(exchange -> {
            if (failures.getAndIncrement() == 0) {
                throw new IllegalStateException("the outbox is away for a moment");
            }
        }));
        context.getRouteController().startRoute("crm-dead-letter-replay");

        replay();
        await().atMost(PATIENCE).until(() -> failures.get() == 1 && !deadLetters().get(event.getId()).get("replaying").asBoolean());
        // the same event again (a repeat of its callback, a settle sweep): still dead-lettered, not delivered
        publish(event);
        await().during(Duration.ofSeconds(2)).atMost(PATIENCE).until(() -> requestsFor(event.getId()).stream().noneMatch(Received::answeredOk));

        replay();
        awaitDelivered(event.getId());
        await().atMost(PATIENCE).until(() -> !deadLetters().containsKey(event.getId()));
        assertThat(requestsFor(event.getId())).filteredOn(Received::answeredOk).hasSize(1);
    }

    @Test
    void aLetterKeptAgainAndMarkedByASecondReplayWhileTheFirstEndsIsNotDeletedInItsPlace() throws Exception {
        CloudEvent event = events().agentStatus("demo", "replay-twice@demo.example", "online", Instant.parse("2026-11-02T08:00:00Z"));
        crm.answerWhen(r -> r.body().contains("replay-twice@"), Answer.status(400));
        publish(event);
        await().atMost(PATIENCE).until(() -> deadLetters().containsKey(event.getId()));
        // the replayed event is refused again and kept anew, and a second replay marks that new letter, before the first
        // replay's exchange is done with the row it read
        AtomicBoolean replaying = new AtomicBoolean();
        AtomicBoolean replayedAgain = new AtomicBoolean();
        AdviceWith.adviceWith(context, "crm-dead-letter-replay", route -> route.weaveAddLast().process(exchange -> {
            if (event.getId().equals(exchange.getVariable("letterId")) && replaying.compareAndSet(false, true)) {
                await().atMost(PATIENCE).until(() -> !deadLetters().get(event.getId()).get("replaying").asBoolean());
                replay();
                replayedAgain.set(true);
            }
        }));
        context.getRouteController().startRoute("crm-dead-letter-replay");

        replay();
        // the second replay's: the letter is there, refused once more
        await().atMost(PATIENCE).until(() -> replayedAgain.get() && deadLetters().containsKey(event.getId())
                && !deadLetters().get(event.getId()).get("replaying").asBoolean());
        crm.clearRules();
        replay();
        awaitDelivered(event.getId());
        await().atMost(PATIENCE).until(() -> !deadLetters().containsKey(event.getId()));
        assertThat(requestsFor(event.getId())).filteredOn(Received::answeredOk).hasSize(1);
    }

    private HttpResponse<String> replay() throws Exception {
        HttpResponse<String> replay = http.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/dead-letters/replay"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(replay.statusCode()).isEqualTo(202);
        return replay;
    }

    @Test
    void aReplayOfMoreDeadLettersThanOneReadHoldsDeliversEveryOne() throws Exception {
        // agent status events: a replayed hangup would wait in the CDR lookup's stage first
        List<CloudEvent> events = IntStream.range(0, 250).mapToObj(i -> events().agentStatus("demo", "rest-replay-many-" + i + "@demo.example",
                "online", Instant.parse("2026-11-02T07:00:00Z"))).toList();
        crm.answerWhen(r -> r.body().contains("rest-replay-many-"), Answer.status(400));
        events.forEach(this::publish);
        await().atMost(PATIENCE).until(() -> deadLetters().keySet().stream().filter(id -> id.contains("rest-replay-many-")).count() == 250);

        crm.clearRules();
        HttpResponse<String> replay = replay();

        assertThat(replay.body()).isEqualTo("{\"replaying\":250}");
        await().atMost(PATIENCE).until(() -> events.stream().allMatch(event -> requestsFor(event.getId()).stream().anyMatch(Received::answeredOk)));
        assertThat(deadLetters()).isEmpty();
        for (CloudEvent event : events) {
            assertThat(requestsFor(event.getId())).filteredOn(Received::answeredOk).as(event.getId()).hasSize(1);
        }
    }

    @Test
    void headersNamedLikeCamelHeadersInAnyLetterCaseChangeNoDestination() throws Exception {
        CloudEvent viaRoute = hangupEvent("rest-inject-route");
        template.send("direct:crm-publish", exchange -> {
            exchange.getMessage().setBody(viaRoute);
            exchange.getMessage().setHeader("CamelHttpUri", elsewhere.url("/evil"));
            exchange.getMessage().setHeader("camelhttppath", "/evil");
            exchange.getMessage().setHeader("CAMELHTTPQUERY", "stolen=1");
            exchange.getMessage().setHeader("CamelHttpMethod", "DELETE");
        });
        CloudEvent viaBroker = hangupEvent("rest-inject-broker");
        sendToOutboxWithProperties(viaBroker, "cAmElHtTpUrI", elsewhere.url("/evil"), "CAMELHTTPPATH", "/evil",
                "camelHttpQuery", "stolen=1", "CamelHttpMethod", "DELETE");

        for (CloudEvent event : List.of(viaRoute, viaBroker)) {
            Received post = awaitDelivered(event.getId());
            assertThat(post.method()).isEqualTo("POST");
            assertThat(post.path()).isEqualTo("/events");
            assertThat(post.query()).as("the query of crm.rest.url, nothing else").isEqualTo(FLOW_QUERY);
        }
        assertThat(elsewhere.received()).isEmpty();
    }

    private void sendToOutboxWithProperties(CloudEvent event, String... properties) throws Exception {
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageProducer producer = session.createProducer(session.createQueue("ccs.outbox"));
            TextMessage message = session.createTextMessage(event.toJson());
            message.setStringProperty("ceid", event.getId());
            for (int i = 0; i < properties.length; i += 2) {
                message.setStringProperty(properties[i], properties[i + 1]);
            }
            producer.send(message);
        }
    }

    private Received awaitDelivered(String eventId) {
        await().atMost(PATIENCE).until(() -> requestsFor(eventId).stream().anyMatch(Received::answeredOk));
        return requestsFor(eventId).stream().filter(Received::answeredOk).findFirst().orElseThrow();
    }

    private List<Received> requestsFor(String eventId) {
        return crm.received().stream().filter(r -> eventId.equals(r.header("Idempotency-Key"))).toList();
    }
}
