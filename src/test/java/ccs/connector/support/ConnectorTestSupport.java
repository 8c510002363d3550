package ccs.connector.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;

import ccs.connector.ConnectorConfiguration;
import ccs.connector.ConnectorMain;
import ccs.connector.click2call.Click2callCircuits;
import ccs.connector.cluster.ClusterConfiguration;
import ccs.connector.cluster.ClusterLeadership;
import ccs.connector.event.CloudEvent;
import ccs.connector.event.Events;
import ccs.connector.simulator.CcsSimulator;
import ccs.connector.state.Database;
import ccs.connector.support.RecordingHttpServer.Received;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import com.github.benmanes.caffeine.cache.Ticker;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.awaitility.Awaitility;
import org.apache.camel.test.junit5.CamelContextConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts the connector once per test class the way the runnable jar does (./application.properties,
 * ./routes, the configuration classes), on a free port, against the embedded simulator over
 * real HTTP, with demo traffic and the CDR poller off and its own data directory under target/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(LogCapture.PerClass.class)
public abstract class ConnectorTestSupport extends CamelMainTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A lost answer fails its test rather than holding the whole suite. */
    protected static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    // assigned in configureContext, which CamelTestSupport calls from its constructor: no initializers here
    protected int port;
    protected Path dataDir;
    protected final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private List<RecordingHttpServer> httpServers;

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:application.properties";
    }

    /** The connector's configuration classes, as the runnable jar names them; a test that binds something first calls this after it. */
    @Override
    protected void configure(MainConfigurationProperties configuration) {
        Ticker clock = clock();
        if (clock != null) {
            // bound before the configuration classes build the beans that read it
            configuration.addConfiguration(new CamelConfiguration() {
                @Override
                public void configure(CamelContext camel) {
                    camel.getRegistry().bind("testTicker", clock);
                }
            });
        }
        ConnectorMain.configure(configuration);
    }

    /** The clock the connector's beans read, for a test that moves it; null for the system's. */
    protected Ticker clock() {
        return null;
    }

    @Override
    public void configureContext(CamelContextConfiguration context) {
        super.configureContext(context);
        port = FreePorts.next();
        dataDir = Path.of("target", "test-data", getClass().getSimpleName() + "-" + port);
        Properties settings = new Properties();
        settings.setProperty("camel.server.port", String.valueOf(port));
        settings.setProperty("ccs.simulator.demo", "false");
        settings.setProperty("ccs.simulator.hangup-delay", "200ms");
        // no CDR poller in the background of tests about something else; CDR tests turn it on or run direct:cdr-poll
        settings.setProperty("ccs.cdr.enabled", "false");
        settings.setProperty("connector.data-dir", dataDir.toString());
        settings(settings);
        context.withUseOverridePropertiesWithPropertiesComponent(settings);
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One connector per class: stop it, embedded broker and simulator included, before the next class starts its own. */
    @AfterAll
    void stopConnector() {
        context.stop();
        if (httpServers != null) {
            httpServers.forEach(RecordingHttpServer::close);
        }
    }

    /** A retry budget of a test's measure for deliveries to the CRM: this many retries, from 100 ms doubled up to {@code maxDelay}. */
    protected static void crmRetries(Properties settings, int maxRetries, String maxDelay) {
        settings.setProperty("crm.retry.max-retries", String.valueOf(maxRetries));
        settings.setProperty("crm.retry.initial-delay", "100ms");
        settings.setProperty("crm.retry.max-delay", maxDelay);
    }

    /** The connector's state store (dedupe, dead letters, checkpoints, sessions). */
    protected Database stateStore() {
        return context.getRegistry().lookupByNameAndType(ConnectorConfiguration.STATE_STORE, Database.class);
    }

    /** A real local HTTP server (a CRM, say), closed with the connector; start it in {@link #settings} to point a setting at it. */
    protected RecordingHttpServer startHttpServer() {
        return startHttpServer(null);
    }

    /**
     * A CRM over HTTPS with {@code certificate} (its CA the customer's own), the REST sink's and the REST lookup's; whether
     * the connector trusts it is the caller's setting.
     */
    protected RecordingHttpServer httpsCrm(Properties settings, SelfSignedCertificate certificate) {
        RecordingHttpServer crm = startHttpServer(certificate.serverTls());
        settings.setProperty("crm.sink", "rest");
        settings.setProperty("crm.rest.url", crm.url("/events"));
        settings.setProperty("crm.lookup", "rest");
        settings.setProperty("crm.lookup.url", crm.url("/api/contacts?phone={phone}"));
        settings.setProperty("crm.lookup.timeout", "10s");
        return crm;
    }

    /** The same over HTTPS with {@code tls}'s certificate, e.g. {@link SelfSignedCertificate#serverTls()}. */
    protected RecordingHttpServer startHttpServer(SSLContext tls) {
        try {
            RecordingHttpServer server = new RecordingHttpServer(tls);
            if (httpServers == null) {
                httpServers = new ArrayList<>();
            }
            httpServers.add(server);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("a local HTTP server cannot start", e);
        }
    }

    /** A real local HTTP server as the CRM of the REST sink ({@code crm.sink=rest}); call it from {@link #settings}. */
    protected RecordingHttpServer restCrm(Properties settings) {
        RecordingHttpServer crm = startHttpServer();
        settings.setProperty("crm.sink", "rest");
        settings.setProperty("crm.rest.url", crm.url("/events"));
        return crm;
    }

    /** Drops a file into a file inbox as a CRM should: written under another name first, then renamed, so that it is never read half-written. */
    protected static void drop(Path inbox, String name, byte[] content) throws IOException {
        Files.createDirectories(inbox);
        Path part = inbox.resolve(name + ".part");
        Files.write(part, content);
        Files.move(part, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The same, of a text in UTF-8. */
    protected static void drop(Path inbox, String name, String content) throws IOException {
        drop(inbox, name, content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Tenant {@code tenant}'s Call Center Studio: a local HTTP server that answers every request with {@code answer}, set as
     * the tenant's API URL, with an app token of its own. Name the tenant in {@code ccs.tenants}.
     */
    protected static RecordingHttpServer tenantPlatform(Properties settings, String tenant, RecordingHttpServer.Answer answer) {
        RecordingHttpServer platform;
        try {
            platform = new RecordingHttpServer();
        } catch (IOException e) {
            throw new IllegalStateException("a local HTTP server cannot start", e);
        }
        platform.answerWhen(request -> true, answer);
        settings.setProperty("ccs.tenant." + tenant + ".api-url", platform.url("/api/"));
        settings.setProperty("ccs.tenant." + tenant + ".app-token", "app-token-of-the-" + tenant + "-tenant");
        return platform;
    }

    /**
     * Tenant {@code slow} (real-tenant secrets) on a Call Center Studio that answers every request with {@code answer} only
     * after 4 minutes, longer than a test waits for another tenant (a real HTTP server). Close it in an {@code @AfterAll}
     * of the test class, which runs before the connector stops: its held requests would hold the shutdown.
     */
    protected static RecordingHttpServer slowTenant(Properties settings, String answer) {
        RecordingHttpServer platform = tenantPlatform(settings, "slow", RecordingHttpServer.Answer.json(200, answer).after(Duration.ofMinutes(4)));
        realTenantSecrets(settings);
        settings.setProperty("ccs.api.cdr-timeout", "5m");
        return platform;
    }

    /** How many HTTP endpoints Camel holds for {@code server}: each has an HTTP client and a connection pool of its own. */
    protected long httpEndpointsTo(RecordingHttpServer server) {
        String authority = URI.create(server.url("")).getAuthority();
        return context.getEndpoints().stream()
                .filter(endpoint -> endpoint instanceof HttpEndpoint http && authority.equals(http.getHttpUri().getAuthority())).count();
    }

    /** The REST sink's requests for one event (by its Idempotency-Key), answered or not. */
    protected static List<Received> requestsFor(RecordingHttpServer crm, String eventId) {
        return crm.received().stream().filter(r -> eventId.equals(r.header("Idempotency-Key"))).toList();
    }

    /** The event as the CRM received it once it answered 2xx, waiting for that. */
    protected static JsonNode delivered(RecordingHttpServer crm, String eventId) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> requestsFor(crm, eventId).stream().anyMatch(Received::answeredOk));
        try {
            return JSON.readTree(requestsFor(crm, eventId).stream().filter(Received::answeredOk).findFirst().orElseThrow().body());
        } catch (IOException e) {
            throw new IllegalStateException("the CRM received an event that is not JSON", e);
        }
    }

    /**
     * The first failure of a queued request as the CRM received it, waiting for it: a failure's id is its outcome's
     * ({@code <tenant>:<type>:<transactionId>}), then the time it failed.
     */
    protected static JsonNode failure(RecordingHttpServer crm, String outcomeId) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !failureIds(crm, outcomeId).isEmpty());
        return delivered(crm, failureIds(crm, outcomeId).get(0));
    }

    /** The ids of the failures of a queued request that the CRM took, in the order it received them. */
    protected static List<String> failureIds(RecordingHttpServer crm, String outcomeId) {
        return crm.received().stream().filter(Received::answeredOk).map(r -> r.header("Idempotency-Key"))
                .filter(id -> id != null && id.startsWith(outcomeId + ":")).distinct().toList();
    }

    /** The {@code X-Api-Key} of a connector set up by {@link #realTenantSecrets}. */
    protected static final String REAL_TENANT_API_KEY = "crm-api-key-of-a-real-tenant";

    /** The secrets a connector serving a tenant that is not on the simulator must have (StartupChecks). */
    protected static void realTenantSecrets(Properties settings) {
        settings.setProperty("connector.webhook-token", "webhook-token-of-a-real-tenant");
        settings.setProperty("connector.api-key", REAL_TENANT_API_KEY);
    }

    /** Test classes add or change settings here. */
    protected void settings(Properties settings) {
    }

    protected CcsSimulator simulator() {
        return context.getRegistry().lookupByNameAndType("ccsSimulator", CcsSimulator.class);
    }

    /**
     * Tenant {@code tenant}'s platform answered, as a request that holds no circuit: a failure met before no longer holds its
     * requests back (bean click2callCircuits), unless a request still holds the circuit (its cool-down ends then).
     */
    protected void closeTheCircuit(String tenant) {
        context.getRegistry().lookupByNameAndType("click2callCircuits", Click2callCircuits.class).answered(tenant, "a test");
    }

    protected Events events() {
        return context.getRegistry().lookupByNameAndType("events", Events.class);
    }

    /** A hangup callback of the default tenant as the platform sends it, made into an event. */
    protected CloudEvent hangupEvent(String callKey) {
        return events().hangup(null, Map.of("call_id", callKey, "call_date", "2026-11-02 10:00:00", "duration", "42",
                "transaction_id", "crm-" + callKey, "agent_username", "ayse.yilmaz@demo.example", "caller_id", "901",
                "called_num", "05321234567", "disposition", "ANSWER", "tenant", "demo"));
    }

    /** Another replica takes the lead, as the cluster service tells this one; {@link #leadHere()} gives it back. */
    protected void leadElsewhere() throws Exception {
        leadTo(new CamelClusterMember() {
            public boolean isLeader() {
                return true;
            }

            public boolean isLocal() {
                return false;
            }

            public String getId() {
                return "another-replica";
            }
        });
    }

    /** This replica leads again. */
    protected void leadHere() throws Exception {
        leadTo(null);
    }

    private void leadTo(CamelClusterMember leader) throws Exception {
        CamelClusterView view = context.hasService(CamelClusterService.class).getView(ClusterConfiguration.NAMESPACE);
        context.getRegistry().lookupByNameAndType("leadership", ClusterLeadership.class)
                .leadershipChanged(view, leader == null ? view.getLocalMember() : leader);
    }

    /** Puts an event into the outbox, as every producer of events does. */
    protected void publish(CloudEvent event) {
        template.sendBody("direct:crm-publish", event);
    }

    /** The dead letters as GET /api/v1/dead-letters lists them, by id. */
    protected Map<String, JsonNode> deadLetters() throws IOException, InterruptedException {
        HttpResponse<String> listing = get("/api/v1/dead-letters");
        if (listing.statusCode() != 200) {
            throw new AssertionError("GET /api/v1/dead-letters answered " + listing.statusCode() + ": " + listing.body());
        }
        Map<String, JsonNode> byId = new java.util.LinkedHashMap<>();
        new ObjectMapper().readTree(listing.body()).get("deadLetters").forEach(letter -> byId.put(letter.get("id").asText(), letter));
        return byId;
    }

    /** The texts of the dead letters as the state store holds them (what a person reads with SQL), by id. */
    protected Map<String, String> deadLetterTexts() {
        Map<String, String> byId = new java.util.LinkedHashMap<>();
        stateStore().list("SELECT id, letter FROM DEAD_LETTER", row -> byId.put(row.getString(1), row.getString(2)));
        return byId;
    }

    /**
     * A client of the connector's embedded broker ({@code vm://0}) of the test's own, as a CRM or a producer of requests
     * has: what a test reads or sends never goes through the connector's own connection factories, whose caching
     * (consumers too, before 65ce65f) once let a test's closed consumer take the later messages of its queue.
     */
    protected static ConnectionFactory embeddedBroker() {
        return new ActiveMQConnectionFactory("vm://0");
    }

    /** Sends a text message to the click2call queue ({@code ccs.click2call}) of the embedded broker, as a CRM does. */
    protected static void sendClick2callText(String text) throws JMSException {
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            session.createProducer(session.createQueue("ccs.click2call")).send(session.createTextMessage(text));
        }
    }

    /** The texts of the messages in the outbox broker's dead-letter queue (DLQ), browsed: a browser takes none of them. */
    protected List<String> brokerDeadLetterQueue() throws JMSException {
        return browse("DLQ");
    }

    /** The texts of the messages in a queue of the embedded broker, browsed: a browser takes none of them. */
    protected List<String> browse(String queue) throws JMSException {
        try (Connection connection = embeddedBroker().createConnection(); Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            connection.start();
            List<String> texts = new ArrayList<>();
            Enumeration<?> messages = session.createBrowser(session.createQueue(queue)).getEnumeration();
            while (messages.hasMoreElements()) {
                texts.add(((TextMessage) messages.nextElement()).getText());
            }
            return texts;
        }
    }

    /** Metric ccs_crm_deliveries_total of the outcome (delivered, refused, dead-lettered) so far, of every type: 0 before the first. */
    protected double deliveriesCounted(String outcome) throws IOException, InterruptedException {
        Matcher count = Pattern.compile("ccs_crm_deliveries_total\\{[^}]*outcome=\"" + outcome + "\"[^}]*} (\\S+)").matcher(get("/observe/metrics").body());
        double counted = 0;
        while (count.find()) {
            counted += Double.parseDouble(count.group(1));
        }
        return counted;
    }

    protected String baseUrl() {
        return "http://localhost:" + port;
    }

    protected HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(REQUEST_TIMEOUT).GET();
        return http.send(withHeaders(request, headers).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** DELETEs, with extra request headers as name-value pairs. */
    protected HttpResponse<String> delete(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(REQUEST_TIMEOUT).DELETE();
        return http.send(withHeaders(request, headers).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs a body of the given content type (none when null), with extra request headers as name-value pairs. */
    protected HttpResponse<String> post(String path, String contentType, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(REQUEST_TIMEOUT)
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(withHeaders(request, headers).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The request with extra headers, given as name-value pairs. */
    private static HttpRequest.Builder withHeaders(HttpRequest.Builder request, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request;
    }

    /**
     * The cookie ({@code name=value}) of the agent page opened for {@code agent} through a signed link the
     * CRM asked for, with the API key when one is given.
     */
    protected String agentPageCookie(String agent, String... apiKey) throws IOException, InterruptedException {
        String[] headers = apiKey.length == 0 ? new String[0] : new String[] {"X-Api-Key", apiKey[0]};
        HttpResponse<String> link = post("/api/v1/agent-links", "application/json", "{\"agentEmail\": \"" + agent + "\"}", headers);
        if (link.statusCode() != 200) {
            throw new AssertionError("POST /api/v1/agent-links answered " + link.statusCode() + ": " + link.body());
        }
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(JSON.readTree(link.body()).get("url").asText()))
                .timeout(REQUEST_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
        return page.headers().firstValue("Set-Cookie").orElseThrow(() -> new AssertionError("the agent page set no cookie")).split(";")[0];
    }

    /** A request to a door of the agent page as its script makes it: GET, or POST with a JSON body; with the page's cookie when given. */
    protected HttpResponse<String> agentDoor(String path, String cookie, String jsonBody) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(REQUEST_TIMEOUT);
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        if (jsonBody != null) {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(jsonBody));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Rows of the dedupe store as an earlier version left them, under its processor name: written, and the store
     * closed, before this connector starts (call it from {@link #settings}).
     */
    protected void recordedByAnEarlierVersion(String processorName, String... keys) {
        try (Database store = Database.h2(dataDir)) {
            for (String key : keys) {
                store.update("INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES (?, ?, LOCALTIMESTAMP)",
                        processorName, key);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The connector's webhook token, as Call Center Studio carries it in the query string. */
    protected String webhookToken() {
        return context.resolvePropertyPlaceholders("{{connector.webhook-token}}");
    }
}
