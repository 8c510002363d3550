package ccs.connector.cdr;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.stream.Collectors;

import ccs.connector.ConnectorConfiguration;
import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.config.Metrics;
import ccs.connector.config.Secrets;
import ccs.connector.config.Settings;
import ccs.connector.crm.CrmConfiguration;
import ccs.connector.state.Database;
import io.micrometer.core.instrument.Gauge;
import jakarta.jms.ConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.spi.SpringTransactionPolicy;
import org.springframework.jms.connection.JmsTransactionManager;

/**
 * Binds the CDR sync: {@code cdrSync} (poll windows, checkpoints, backoff), {@code cdrBackfills},
 * and {@code cdrOutboxTransaction}, a JMS transaction over the outbox in which several events go into
 * it whole or not at all, with one journal sync (route agent-performance-publish: a day's events; a
 * page of CDR records is one message instead, {@code ccs.connector.event.EventPage}); registers the gauges {@code ccs_cdr_lag_seconds} and {@code ccs_cdr_backfill_progress_percent}.
 * Runs after {@link ConnectorConfiguration} and {@link CrmConfiguration}.
 */
public class CdrConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext camel) throws Exception {
        Settings settings = Settings.of(camel);
        CdrSettings cdr = CdrSettings.from(settings);
        Tenants tenants = camel.getRegistry().lookupByNameAndType("tenants", Tenants.class);
        CdrState state = new CdrState(camel.getRegistry().lookupByNameAndType(ConnectorConfiguration.STATE_STORE, Database.class));
        state.importFiles(Path.of(settings.string("connector.data-dir", "data")).toAbsolutePath().resolve("cdr"));
        camel.getRegistry().bind("cdrState", state);
        CdrSync sync = new CdrSync(tenants, state, cdr, settings.string("connector.cluster", "none").equals("none"), Clock.systemUTC());
        CdrBackfills backfills = new CdrBackfills(tenants, state, cdr,
                settings.duration("ccs.cdr.backfill.retry", Duration.ofMinutes(1), Duration.ofMillis(100), Duration.ofDays(1)),
                settings.integer("ccs.cdr.backfill.max-days", 366, 1), Clock.systemUTC());
        camel.getRegistry().bind("cdrSync", sync);
        camel.getRegistry().bind("cdrBackfills", backfills);
        camel.getRegistry().bind("publishedCdrs", new PublishedCdrs(cdr.settleWindow().plus(cdr.settleInterval())));
        boolean recordingDetails = settings.bool("ccs.cdr.recording-details", false);
        camel.getRegistry().bind("recordings", new Recordings(tenants.all().stream()
                .filter(t -> settings.bool("ccs.tenant." + t.name() + ".cdr.recording-details", recordingDetails))
                .map(Tenant::name).collect(Collectors.toSet()), camel.getRegistry().lookupByNameAndType("secrets", Secrets.class)));
        ConnectionFactory outbox = camel.getRegistry().lookupByNameAndType("outboxConnectionFactory", ConnectionFactory.class);
        SpringTransactionPolicy pageTransaction = new SpringTransactionPolicy(new JmsTransactionManager(outbox));
        pageTransaction.setPropagationBehaviorName("PROPAGATION_REQUIRED");
        camel.getRegistry().bind("cdrOutboxTransaction", pageTransaction);

        // a connector that does not poll has no lag to alert on: it would only grow
        boolean polling = settings.bool("ccs.cdr.enabled", true);
        CdrGauges gauges = new CdrGauges(tenants, sync, backfills, polling, Clock.systemUTC());
        camel.getRegistry().bind("cdrGauges", gauges);
        Metrics.onceStarted(camel, metrics -> {
            for (Tenant tenant : tenants.all()) {
                if (polling) {
                    Gauge.builder("ccs.cdr.lag", gauges, g -> g.lagSeconds(tenant.name())).baseUnit("seconds")
                            .description("seconds between now and the CDR checkpoint").tag("tenant", tenant.name()).register(metrics);
                }
                Gauge.builder("ccs.cdr.backfill.progress", gauges, g -> g.percentDone(tenant.name())).baseUnit("percent")
                        .description("share of the latest CDR backfill done").tag("tenant", tenant.name()).register(metrics);
            }
        });
    }
}
