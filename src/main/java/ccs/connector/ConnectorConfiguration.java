package ccs.connector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import ccs.connector.agentpage.AgentPageConfiguration;
import ccs.connector.api.ApiErrors;
import ccs.connector.api.ApiKey;
import ccs.connector.api.JsonBodies;
import ccs.connector.api.Locations;
import ccs.connector.api.QueryParameters;
import ccs.connector.api.RequestsInFlight;
import ccs.connector.ccs.AppTokens;
import ccs.connector.ccs.CallVariables;
import ccs.connector.ccs.CcsApi;
import ccs.connector.click2call.CallCorrelations;
import ccs.connector.ccs.Tenants;
import ccs.connector.config.BlankFreeValues;
import ccs.connector.config.BackgroundWork;
import ccs.connector.config.Counters;
import ccs.connector.config.EffectiveSettings;
import ccs.connector.config.InvalidSettingException;
import ccs.connector.config.LogMask;
import ccs.connector.config.Metrics;
import ccs.connector.config.Secrets;
import ccs.connector.config.Settings;
import ccs.connector.config.StartupChecks;
import ccs.connector.crm.CrmTrustStore;
import ccs.connector.health.StartingGate;
import ccs.connector.http.WholeAnswerLimit;
import ccs.connector.screenpop.ScreenPopConfiguration;
import ccs.connector.screenpop.SoftphoneUrls;
import ccs.connector.session.AgentSessions;
import ccs.connector.simulator.CcsSimulator;
import ccs.connector.simulator.SimulatorSettings;
import ccs.connector.state.Database;
import ccs.connector.webhook.WebhookTokens;
import com.github.benmanes.caffeine.cache.Ticker;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds the beans the routes call, reading and checking the settings once at startup; with
 * {@code ccs.api-url=embedded} it also starts the Call Center Studio simulator.
 * The first of {@link ConnectorMain#CONFIGURATIONS}, which the runnable jar and the tests share.
 */
public class ConnectorConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectorConfiguration.class);

    /** Registry name of the state store's DataSource (routes use it with the sql component). */
    public static final String DATABASE = "connectorDatabase";
    /** Registry name of the state store ({@link Database}). */
    public static final String STATE_STORE = "stateStore";

    private CcsSimulator simulator;

    @Override
    public void configure(CamelContext camel) throws Exception {
        BlankFreeValues.install(camel);
        Settings settings = Settings.of(camel);
        StartupChecks.check(settings);
        EffectiveSettings.warnings(settings).forEach(LOG::warn);
        LOG.info(EffectiveSettings.summary(settings));
        Duration sessionTtl = settings.duration("ccs.session.ttl", Duration.ofHours(8), Duration.ofMinutes(1), Duration.ofHours(12));
        Duration refusalHold = settings.duration("ccs.session.refusal-hold", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(10));
        CrmTrustStore.bind(settings, camel.getRegistry());
        ScreenPopConfiguration screenPop = ScreenPopConfiguration.read(settings);
        WebhookTokens webhookTokens = WebhookTokens.from(settings);
        // last, once every other setting is known to be good: this may start the simulator
        Tenants tenants = Tenants.from(settings, () -> embeddedSimulator(camel, settings, webhookTokens).apiUrl());
        if (simulator != null) {
            camel.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    simulator.close();
                }
            });
        }
        Database database = database(settings);
        camel.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                database.close();
            }
        });
        camel.getRegistry().bind(STATE_STORE, database);
        camel.getRegistry().bind(DATABASE, database.dataSource());
        // a test's clock where one is bound
        Ticker ticker = Objects.requireNonNullElse(camel.getRegistry().findSingleByType(Ticker.class), Ticker.systemTicker());
        AppTokens appTokens = new AppTokens(tenants, refusalHold, ticker);
        AgentSessions sessions = new AgentSessions(camel, tenants, appTokens, sessionTtl, refusalHold, ticker, database);
        camel.getRegistry().bind("tenants", tenants);
        camel.getRegistry().bind("webhookTokens", webhookTokens);
        camel.getRegistry().bind("appTokens", appTokens);
        camel.getRegistry().bind("ccsApi", new CcsApi(tenants, appTokens,
                settings.duration("ccs.api.interactive-timeout", Duration.ofSeconds(8), Duration.ofSeconds(1), Duration.ofSeconds(8)),
                settings.duration("ccs.api.cdr-timeout", Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofMinutes(5))));
        // a whole answer within the call's budget, connecting included, and no more than 4 MiB of it: the API's longest is a
        // day of agent performance, a row of under 1 KiB per agent (a large tenant's 2,000 agents, 2 MiB); a CDR page is
        // 100 records of 1-2 KiB. The answers read at once share 8 MiB: each is held several times over on its way to a map,
        // and up to 12 API requests and 10 hangup lookups read at once within the lean profile's 160 MB heap. Past the deadline
        // the call fails as unanswered (504), past a limit as answered garbage (502)
        camel.getRegistry().bind("ccsAnswerLimit", new WholeAnswerLimit("ccs-answer-limit", 4 << 20,
                "more than 4 MiB: no answer of the API is that long", 8 << 20,
                "more than was left of the 8 MiB the answers being read at once may hold"));
        camel.getRegistry().bind("agentSessions", sessions);
        Metrics.onceStarted(camel, new Counters(camel, tenants, settings.string("crm.sink", "file"))::fromZero);
        camel.getRegistry().bind("apiKey", new ApiKey(settings.string("connector.api-key", ""), settings.string("connector.api-key.previous", "")));
        camel.getRegistry().bind("logMask", new LogMask(settings.bool("connector.log.mask-phone-numbers", true)));
        camel.getRegistry().bind("backgroundWork", new BackgroundWork());

        camel.getRegistry().bind("callCorrelations", new CallCorrelations(database));
        // the secret values no event may carry, whatever field the platform echoes them in
        List<String> secretValues = new ArrayList<>(webhookTokens.values());
        secretValues.add(settings.string("connector.api-key", ""));
        secretValues.add(settings.string("connector.api-key.previous", ""));
        tenants.all().forEach(tenant -> secretValues.add(tenant.appToken()));
        Secrets secrets = new Secrets(secretValues);
        camel.getRegistry().bind("secrets", secrets);
        camel.getRegistry().bind("callVariables", new CallVariables(database, tenants, settings.duration("connector.correlation.retention", Duration.ofHours(48)),
                secrets));
        camel.getRegistry().bind("apiErrors", new ApiErrors(ticker));
        camel.getRegistry().bind("jsonBodies", new JsonBodies());
        camel.getRegistry().bind("locations", new Locations());
        camel.getRegistry().bind("queryParameters", new QueryParameters());
        camel.getRegistry().bind(JsonBodies.MAPPER, JsonBodies.mapper());
        // at most 16 of the HTTP server's 20 workers: the others stay for the health probes and the webhooks
        int maxInFlight = settings.integer("connector.api.max-in-flight", 12, 1);
        if (maxInFlight > 16) {
            throw new InvalidSettingException("connector.api.max-in-flight", "is " + maxInFlight
                    + ": at most 16, so that 4 of the HTTP server's 20 workers stay for the health probes and the webhooks");
        }
        // the requests that read reports take one of their tenant's places besides one of max-in-flight, so that a dashboard on a
        // slow Call Center Studio holds at most those of the click2calls' places, and a tenant whose platform hangs none of another
        // tenant's; all tenants' reports together at most half of max-in-flight (or this, if more), so that with many tenants on a
        // slow platform click2calls and screen pops still have theirs
        int maxReportsInFlight = settings.integer("connector.api.max-reports-in-flight", 3, 1, 16);
        camel.getRegistry().bind("requestsInFlight", new RequestsInFlight(maxInFlight, "connector.api.max-in-flight", "requests",
                "Call Center Studio, the CRM or the database"));
        camel.getRegistry().bind("reportsInFlight", RequestsInFlight.perTenant(tenants, maxReportsInFlight, "connector.api.max-reports-in-flight",
                "report requests", "Call Center Studio's reports", new RequestsInFlight(Math.max(maxReportsInFlight, maxInFlight / 2),
                        "half of connector.api.max-in-flight, at least connector.api.max-reports-in-flight", "report requests of all tenants",
                        "Call Center Studio's reports")));
        // the other requests that wait on one tenant's Call Center Studio (click2calls, call controls, softphone URLs, screen pops by
        // call key) take one of their tenant's places besides, so that a tenant whose platform hangs leaves the other tenants the rest;
        // with one tenant there is no other to leave them to
        int maxTenantInFlight = settings.integer("connector.api.max-tenant-in-flight",
                tenants.all().size() > 1 ? Math.max(1, maxInFlight / 2) : maxInFlight, 1, 16);
        camel.getRegistry().bind("tenantInFlight", RequestsInFlight.perTenant(tenants, maxTenantInFlight, "connector.api.max-tenant-in-flight",
                "requests", "the tenant's Call Center Studio", null));
        // platform-http's header filter, but letting a route's Cache-Control out: for the answers that carry a session or a signed link
        HttpHeaderFilterStrategy cacheControlOut = new HttpHeaderFilterStrategy();
        cacheControlOut.getOutFilter().remove("cache-control");
        camel.getRegistry().bind("cacheControlOut", cacheControlOut);
        StartingGate.install(camel, settings.string("camel.management.path", "/observe"));
        screenPop.bind(camel.getRegistry(), tenants, simulator);
        AgentPageConfiguration.configure(camel, settings, tenants, camel.getRegistry().lookupByNameAndType("softphoneUrls", SoftphoneUrls.class),
                settings.list("ccs.simulator.agents", SimulatorSettings.DEFAULT_AGENTS).get(0));
    }

    /**
     * The H2 file under the data dir, or the PostgreSQL database that {@code connector.database.url} names, with the state
     * of the one node's store under {@code connector.database.copy-from} copied into it when it holds none yet.
     */
    static Database database(Settings settings) {
        String url = settings.string("connector.database.url", "");
        String copyFrom = settings.string("connector.database.copy-from", "");
        if (url.isBlank()) {
            if (!copyFrom.isBlank()) {
                throw new InvalidSettingException("connector.database.copy-from", "is set while connector.database.url is empty: "
                        + "a node's state is copied into the PostgreSQL database that connector.database.url names");
            }
            return Database.h2(Path.of(settings.string("connector.data-dir", "data")));
        }
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new InvalidSettingException("connector.database.url", "is '" + Secrets.withoutQuery(url)
                    + "': leave it empty (an H2 file under the data dir) or give a jdbc:postgresql://host:5432/database URL");
        }
        if (!copyFrom.isBlank() && !Files.exists(Path.of(copyFrom).resolve("db").resolve("connector.mv.db"))) {
            throw new InvalidSettingException("connector.database.copy-from", "is '" + copyFrom + "', which holds no state store "
                    + "(db/connector.mv.db): name the connector.data-dir of the node whose state is to be copied");
        }
        // at least 2: an agent's login holds one connection for the agent's lock and reads its session on another
        Database database = Database.postgresql(url, settings.string("connector.database.username", ""),
                settings.string("connector.database.password", ""), settings.integer("connector.database.pool-size", 10, 2),
                settings.duration("connector.database.timeout", Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofHours(1)));
        if (!copyFrom.isBlank()) {
            try {
                copyState(Path.of(copyFrom), database);
            } catch (RuntimeException e) {
                // startup stops: the pool is closed by nobody else yet
                try {
                    database.close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
        }
        return database;
    }

    /** Copies the state of the one node whose data dir is {@code dataDir} into the shared database, unless it holds state already. */
    private static void copyState(Path dataDir, Database database) {
        try (Database node = Database.h2(dataDir)) {
            database.copyFrom(node).ifPresentOrElse(
                    copied -> LOG.info("Copied the state of the node's store under {} into the shared database: {}", dataDir, copied),
                    () -> LOG.info("The shared database holds state already: nothing copied from {} (connector.database.copy-from "
                            + "can go)", dataDir));
        } catch (Exception e) {
            throw new IllegalStateException("the state under " + dataDir + " cannot be copied (connector.database.copy-from): "
                    + e.getMessage(), e);
        }
    }

    private CcsSimulator embeddedSimulator(CamelContext camel, Settings settings, WebhookTokens webhookTokens) {
        if (simulator != null) {
            return simulator;
        }
        String publicUrl = settings.string("connector.public-url", "http://localhost:8080");
        // the demo traffic's webhooks are the default tenant's
        String webhookToken = webhookTokens.of(settings.required("ccs.tenant")).value();
        SimulatorSettings simulated = new SimulatorSettings()
                .port(settings.integer("ccs.simulator.port", 0))
                .tenant(settings.required("ccs.tenant"))
                .appToken(settings.string("ccs.simulator.app-token", settings.required("ccs.app-token")))
                .appTokenRefusalStatus(settings.integer("ccs.simulator.app-token-refusal-status", 0))
                .agents(settings.list("ccs.simulator.agents", SimulatorSettings.DEFAULT_AGENTS))
                .zone(settings.zone("ccs.timezone", java.time.ZoneId.of("Europe/Istanbul")))
                .sessionTtl(settings.duration("ccs.simulator.session-ttl", Duration.ofHours(24)))
                .hangupDelay(settings.duration("ccs.simulator.hangup-delay", Duration.ofSeconds(3)))
                .hangupTransactionId(settings.bool("ccs.simulator.hangup-transaction-id", true))
                .agentUsername(settings.bool("ccs.simulator.agent-username", true))
                .seedRecords(settings.integer("ccs.simulator.records", 120));
        SimulatorSettings.GUIDE_IVR_NAMES.keySet().forEach(field ->
                settings.optional("ccs.ivr.param." + field).ifPresent(name -> simulated.ivrName(field, name)));
        boolean demo = settings.bool("ccs.simulator.demo", false);
        if (demo) {
            simulated.demo(settings.duration("ccs.simulator.demo-interval", Duration.ofSeconds(10)),
                    publicUrl + "/webhooks/ccs/hangup?token=" + webhookToken,
                    publicUrl + "/webhooks/ccs/ivr?token=" + webhookToken);
        }
        try {
            simulator = CcsSimulator.start(simulated);
        } catch (IOException e) {
            throw new UncheckedIOException("the Call Center Studio simulator cannot start", e);
        }
        camel.getRegistry().bind("ccsSimulator", simulator);
        LOG.info("{} Call Center Studio is the built-in simulator at {}{}; set ccs.api-url and ccs.app-token to use a real tenant",
                StartupChecks.demoMode(settings) ? "DEMO MODE: ccs.api-url=embedded, so" : "For the tenants on api-url embedded,", simulator.apiUrl(),
                demo ? " with synthetic calls every " + settings.string("ccs.simulator.demo-interval", "10s") : "");
        return simulator;
    }
}
