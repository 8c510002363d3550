package ccs.connector.crm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import ccs.connector.ConnectorConfiguration;
import ccs.connector.ccs.AppTokens;
import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.config.InvalidSettingException;
import ccs.connector.config.Metrics;
import ccs.connector.config.Secrets;
import ccs.connector.config.Settings;
import ccs.connector.event.Events;
import ccs.connector.health.CrmSinkHealthCheck;
import ccs.connector.health.DatabaseHealthCheck;
import ccs.connector.health.IntakeHealthCheck;
import ccs.connector.health.OutboxHealthCheck;
import ccs.connector.health.RoutesStartedHealthCheck;
import ccs.connector.health.UpstreamHealthCheck;
import ccs.connector.simulator.SimulatorSettings;
import ccs.connector.state.Database;
import ccs.connector.webhook.WebhookTokens;
import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.springframework.jms.connection.CachingConnectionFactory;

/**
 * Binds the CRM side: the event builder, the outbox and CRM brokers (starting the embedded
 * Artemis broker when a URL is {@code vm://0}), the persistent dedupe store (in the connector's
 * database) and the helpers of
 * the sink and dead-letter routes. Runs after {@link ConnectorConfiguration}.
 */
public class CrmConfiguration implements CamelConfiguration {

    /** Messages from this size on are large messages to Artemis: streamed into files of their own. */
    private static final int LARGE_MESSAGE_BYTES = 1024 * 1024;

    @Override
    public void configure(CamelContext camel) throws Exception {
        Settings settings = Settings.of(camel);
        Path dataDir = Path.of(settings.string("connector.data-dir", "data")).toAbsolutePath();
        Tenants tenants = camel.getRegistry().lookupByNameAndType("tenants", Tenants.class);

        Events.IvrWire ivrWire = ivrWire(settings, "ccs.ivr.", new Events.IvrWire(SimulatorSettings.GUIDE_IVR_NAMES,
                SimulatorSettings.GUIDE_IVR_END_EVENTS));
        Map<String, Events.IvrWire> tenantIvrWire = new HashMap<>();
        for (Tenant tenant : tenants.all()) {
            Events.IvrWire own = ivrWire(settings, "ccs.tenant." + tenant.name() + ".ivr.", ivrWire);
            if (!own.equals(ivrWire)) {
                tenantIvrWire.put(tenant.name(), own);
            }
        }
        Secrets secrets = camel.getRegistry().lookupByNameAndType("secrets", Secrets.class);
        Events events = new Events(tenants, ivrWire, tenantIvrWire, secrets);
        camel.getRegistry().bind("events", events);

        String outboxUrl = settings.string("connector.outbox.broker-url", EmbeddedBroker.IN_VM_URL);
        String crmUrl = settings.string("crm.jms.broker-url", EmbeddedBroker.IN_VM_URL);
        OutboxSpace outboxSpace = new OutboxSpace(() -> false);
        if (EmbeddedBroker.IN_VM_URL.equals(outboxUrl) || EmbeddedBroker.IN_VM_URL.equals(crmUrl)) {
            ClientLogin login = embeddedBrokerLogin(settings);
            EmbeddedBroker broker = new EmbeddedBroker(dataDir.resolve("broker"), settings.optional("connector.broker.acceptor").orElse(null),
                    login.password() == null ? null : new BrokerLogin(login.username(), login.password()),
                    settings.integer("connector.broker.journal-buffer-timeout-micros", 500, 0),
                    settings.integer("connector.broker.memory-mb", 16, 1) * 1024L * 1024L,
                    settings.integer("connector.broker.max-disk-usage", 90, 1, 100),
                    settings.string("connector.outbox.dead-letter-queue", "DLQ"));
            camel.addService(broker);
            if (EmbeddedBroker.IN_VM_URL.equals(outboxUrl)) {
                outboxSpace = new OutboxSpace(broker::diskFull);
            }
        }
        camel.getRegistry().bind("outboxSpace", outboxSpace);
        Duration connectionTtl = settings.duration("connector.outbox.connection-ttl", Duration.ofSeconds(6), Duration.ofSeconds(1),
                Duration.ofMinutes(1));
        int consumerWindow = settings.integer("connector.outbox.consumer-window-size", 0);
        ClientLogin outboxLogin = login(settings, outboxUrl, "connector.outbox.");
        ConnectionFactory outbox = connectionFactory("connector.outbox.broker-url", outboxUrl, outboxLogin, connectionTtl,
                bufferedAhead(outboxUrl, consumerWindow), true);
        camel.getRegistry().bind("outboxConnectionFactory", outbox);
        ClientLogin crmLogin = crmUrl.equals(outboxUrl) ? outboxLogin : login(settings, crmUrl, "crm.jms.");
        // the click2call queue's: its consumers buffer no message ahead, on any broker. A consumer holding a request through
        // its retries (its tenant's Call Center Studio down) held the messages in its buffer with it, whatever their tenant,
        // while the other consumer had none left to take (Click2callTenantCircuitTest)
        camel.getRegistry().bind("crmConnectionFactory", connectionFactory("crm.jms.broker-url", crmUrl, crmLogin, connectionTtl, 0, true));
        // the JMS sink's own factory: its sends go inside the transaction of an outbox message's events (route
        // crm-deliver-page), so they need not wait each for the broker's disk; the commit does, once per page
        ConnectionFactory crmSinkFactory = connectionFactory("crm.jms.broker-url", crmUrl, crmLogin, connectionTtl,
                bufferedAhead(crmUrl, consumerWindow), false);
        camel.getRegistry().bind("crmSinkConnectionFactory", crmSinkFactory);
        // a session only once something is sent: the file and REST sinks' pages never touch the broker
        CrmFiles crmFiles = new CrmFiles(settings.bool("crm.file.sync", true));
        camel.getRegistry().bind("crmFiles", crmFiles);
        camel.setVariable(CrmFiles.WRITER, UUID.randomUUID().toString().substring(0, 8));
        SpringTransactionPolicy crmPageTransaction = new SpringTransactionPolicy(new CrmFiles.PageTransactions(crmSinkFactory, crmFiles));
        crmPageTransaction.setPropagationBehaviorName("PROPAGATION_REQUIRED");
        camel.getRegistry().bind("crmPageTransaction", crmPageTransaction);

        Database database = camel.getRegistry().lookupByNameAndType(ConnectorConfiguration.STATE_STORE, Database.class);
        DeliveredEvents delivered = new DeliveredEvents(database);
        camel.getRegistry().bind("deliveredEvents", delivered);
        camel.getRegistry().bind("deadLettersKeptOnce", DeliveredEvents.keptOnce(database));
        camel.getRegistry().bind("outboxMessages", new OutboxMessages());

        Metrics metrics = new Metrics(camel);
        DeliveryRetries deliveryRetries = new DeliveryRetries("jms".equals(settings.string("crm.sink", "file")));
        camel.getRegistry().bind("deliveryRetries", deliveryRetries);
        int maxRetries = settings.integer("crm.retry.max-retries", 8, 0);
        Duration whileAway = settings.duration("crm.retry.while-away", Duration.ofHours(24));
        CrmAwayHold awayHold = CrmAwayHold.ofEvents(deliveryRetries, maxRetries, whileAway, CrmAwayHold::monotonicMillis);
        camel.getRegistry().bind("crmAwayHold", awayHold);
        camel.getRegistry().bind("crmSinkBrokerAwayHold",
                CrmAwayHold.ofSinkBroker(deliveryRetries, maxRetries, whileAway, CrmAwayHold::monotonicMillis));
        camel.getRegistry().bind("redeliveryCounter", new RedeliveryCounter(metrics, settings.string("crm.sink", "file"), deliveryRetries, awayHold));
        camel.getRegistry().bind("deadLetters", new DeadLetters(database, events, tenants,
                camel.getRegistry().lookupByNameAndType("webhookTokens", WebhookTokens.class)));
        camel.getRegistry().bind("restSinkAnswers", new RestSinkAnswers(settings.duration("crm.retry.initial-delay", Duration.ofSeconds(1)),
                settings.duration("crm.retry.max-delay", Duration.ofMinutes(1)), secrets));
        camel.getRegistry().bind("crmRefusalLimit", new CrmRefusalLimit());
        camel.getRegistry().bind("crmCredentials", new CrmCredentials(settings.string("crm.rest.auth", "none"),
                settings.string("crm.rest.token", ""), settings.string("crm.rest.username", ""), settings.string("crm.rest.password", "")));
        camel.getRegistry().bind("jsonFromVariables", new JsonFromVariables());
        camel.getRegistry().bind("urlPathSegments", new UrlPathSegments());
        camel.getRegistry().bind("crmUrls", new CrmUrls());

        String sink = settings.string("crm.sink", "file");
        Duration probeEvery = settings.duration("connector.health.cache", Duration.ofSeconds(15));
        HealthCheckRegistry health = HealthCheckRegistry.get(camel);
        // readiness: the routes that take work in started, and the outbox or the database can store it
        health.register(new RoutesStartedHealthCheck());
        OutboxHealthCheck outboxHealth = new OutboxHealthCheck(((CachingConnectionFactory) outbox).getTargetConnectionFactory(), outboxUrl,
                outboxSpace, List.of(settings.string("connector.outbox.queue", "ccs.outbox"),
                        settings.string("connector.webhook.enrich-queue", "ccs.webhook.enrich")),
                settings.duration("connector.outbox.send-timeout", Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(1)),
                probeEvery);
        DatabaseHealthCheck databaseHealth = new DatabaseHealthCheck(database, probeEvery);
        health.register(outboxHealth);
        health.register(databaseHealth);
        health.register(new IntakeHealthCheck(outboxHealth, databaseHealth));
        camel.getRegistry().bind("outboxHealth", outboxHealth);
        // shown in /observe/health and as gauges, probed by the route crm-sink-probe; never readiness
        UpstreamHealthCheck upstream = new UpstreamHealthCheck(tenants,
                camel.getRegistry().lookupByNameAndType("appTokens", AppTokens.class), metrics, probeEvery);
        CrmSinkHealthCheck crmSink = new CrmSinkHealthCheck(sink, Path.of(settings.string("crm.file.dir", dataDir.resolve("crm-out").toString())),
                sink.equals("rest") ? settings.string("crm.rest.url", null) : settings.string("crm.health.probe-url", null),
                ((CachingConnectionFactory) camel.getRegistry().lookupByNameAndType("crmConnectionFactory", ConnectionFactory.class))
                        .getTargetConnectionFactory(), settings.string("crm.jms.queue", "crm.events"), deliveryRetries, metrics, probeEvery);
        health.register(upstream);
        health.register(crmSink);
        camel.getRegistry().bind("upstreamHealth", upstream);
        camel.getRegistry().bind("crmSinkHealth", crmSink);
    }

    /** The bytes a consumer buffers ahead: {@code consumerWindow} on a shared broker, Artemis's default on the embedded one. */
    private static int bufferedAhead(String url, int consumerWindow) {
        return url.startsWith("vm:") ? ActiveMQClient.DEFAULT_CONSUMER_WINDOW_SIZE : consumerWindow;
    }

    /**
     * Producers send through a caching factory: a JMS connection and session per send would be far too slow. Consumers
     * are not cached (JmsConsumerStopTest).
     * No class is ever deserialized from an ObjectMessage (the consumers read text only): the deny list
     * names every class, since an empty allow list means that Artemis trusts them all.
     * A shared broker (any URL but {@code vm://0}) gets client settings for replicas that die: Artemis's
     * defaults (connection TTL 60 s, failure check 30 s, 1 MiB of messages buffered per consumer) would let a
     * killed replica hold its messages for a minute; here the broker hands them on after the TTL, and a
     * consumer buffers no message it has not asked for.
     * A factory that does not block on durable sends is for sends inside a transaction only: the broker fails
     * the commit if one of them failed, and the commit waits until all of them are on its disk.
     */
    private static ConnectionFactory connectionFactory(String key, String url, ClientLogin login, Duration connectionTtl,
            int consumerWindow, boolean blockOnDurableSend) {
        ActiveMQConnectionFactory factory = null;
        try {
            factory = new ActiveMQConnectionFactory(url, login.username(), login.password());
        } catch (RuntimeException e) {
            // Artemis names no setting: "Schema tpc not found", "Illegal character in scheme name", or a NullPointerException
            // for tcp//host
        }
        // tcp:/host has no host for Artemis (the text "null"), which then connects to localhost:61616, whatever broker listens there
        if (factory == null || !url.startsWith("vm:") && factory.getStaticConnectors() != null
                && Arrays.stream(factory.getStaticConnectors()).anyMatch(connector -> String.valueOf(connector.getParams().get("host")).equals("null"))) {
            // its query may hold a password
            throw new InvalidSettingException(key, "is '" + Secrets.quoted(url)
                    + "': use a broker URL such as tcp://host:61616 (vm://0 is the broker inside the connector)");
        }
        factory.setDeserializationDenyList("*");
        // a page of 100 CDR events is about 300 KB as the broker holds text (two bytes a character): one journal
        // record, not a large message (Artemis's default above 100 KiB), which costs a file of its own per message
        factory.setMinLargeMessageSize(LARGE_MESSAGE_BYTES);
        // a session resolves a queue's name once: without it every send (Camel resolves its endpoint's queue per send)
        // first asks the broker whether the queue exists, a blocking round trip before the send's own
        factory.setCacheDestinations(true);
        factory.setBlockOnDurableSend(blockOnDurableSend);
        if (!url.startsWith("vm:")) {
            factory.setConnectionTTL(connectionTtl.toMillis());
            factory.setClientFailureCheckPeriod(Math.max(500, connectionTtl.toMillis() / 3));
        }
        factory.setConsumerWindowSize(consumerWindow);
        CachingConnectionFactory caching = new CachingConnectionFactory(factory);
        // one session per concurrent sender (HTTP workers, delivery, CDR pages): a miss opens and closes one per send
        caching.setSessionCacheSize(64);
        // the routes' listeners keep their consumers themselves; one they close (a route stopped while the connector runs,
        // a listener recovering from a failure) must go: cached, it stayed open and took its queue's messages into its buffer
        caching.setCacheConsumers(false);
        return caching;
    }

    /**
     * The user name and password a client of the broker at {@code url} presents: the embedded broker's one login for
     * {@code vm://0}, else {@code <prefix>username} and {@code <prefix>password}.
     */
    private static ClientLogin login(Settings settings, String url, String prefix) {
        return EmbeddedBroker.IN_VM_URL.equals(url) ? embeddedBrokerLogin(settings)
                : new ClientLogin(settings.string(prefix + "username", null), settings.string(prefix + "password", null));
    }

    /**
     * The embedded broker's one login, asked of every client (the connector's own too) once {@code connector.broker.password} is
     * set: {@code connector.broker.acceptor} opens the broker to other machines, whose clients could otherwise dial calls
     * on its click2call queue and take the outbox's events. Without a password, none (both null).
     */
    private static ClientLogin embeddedBrokerLogin(Settings settings) {
        String password = settings.string("connector.broker.password", "");
        return password.isEmpty() ? new ClientLogin(null, null) : new ClientLogin(settings.string("connector.broker.username", "ccs-connector"), password);
    }

    /** The user name and password a client of a broker presents; null where a broker asks for none. */
    private record ClientLogin(String username, String password) {

        /** Without the password: a record's own would print it. */
        @Override
        public String toString() {
            return "ClientLogin[" + username + "]";
        }
    }

    /**
     * IVR notifications as the settings under the prefix name them ({@code param.<field>}, {@code end-events}), else as
     * {@code base}. Two fields under one name stop startup naming the setting: the one read for both (the caller's number as
     * the call key, say) put a phone number into event ids, file names and log lines, and lost the other field. So does a
     * field named as a parameter the connector reads for itself ({@code token}, {@code tenant}) or as a secret, which every
     * event leaves out: the call key as {@code token} had every notification refused, the queue's name as {@code tenant}
     * named a tenant, the caller as {@code session} was always empty.
     */
    private static Events.IvrWire ivrWire(Settings settings, String prefix, Events.IvrWire base) {
        Map<String, String> names = new HashMap<>(base.names());
        Events.IVR_FIELDS.forEach(field -> settings.optional(prefix + "param." + field).ifPresent(name -> names.put(field, name)));
        Map<String, String> fieldsByName = new HashMap<>();
        for (String field : Events.IVR_FIELDS) {
            // the base's names passed this check already: a name that fails it is this prefix's own setting
            if (names.get(field).equals("tenant") || Secrets.isSecretName(names.get(field))) {
                throw new InvalidSettingException(prefix + "param." + field, "is '" + names.get(field) + "', a name the connector"
                        + " keeps for itself: a webhook's token and tenant come under token and tenant, and a field named as a secret"
                        + " (token, app_token, session, authorization, password) is left out of every event; give the field another name");
            }
            String other = fieldsByName.putIfAbsent(names.get(field), field);
            if (other != null) {
                String key = prefix + "param." + (settings.optional(prefix + "param." + field).isPresent() ? field : other);
                throw new InvalidSettingException(key, "is '" + names.get(field) + "', the name of IVR notification fields " + other + " and "
                        + field + " at once: give each field a name of its own");
            }
        }
        return new Events.IvrWire(names, Set.copyOf(settings.list(prefix + "end-events", List.copyOf(base.endEvents()))));
    }
}
