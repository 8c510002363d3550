package ccs.connector.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ccs.connector.simulator.CcsSimulator;
import ccs.connector.simulator.SimulatorSettings;
import ccs.connector.support.ArtemisBroker;
import ccs.connector.support.ConnectorProcess;
import ccs.connector.support.PostgresServer;
import ccs.connector.support.RecordingHttpServer;

/**
 * What the replicas of a cluster test share, started before them and outliving them: a real PostgreSQL, a real
 * standalone Artemis, the simulator and a REST CRM; and the settings that put a replica of the packaged connector
 * on them, clustered by a file lock under the test's work directory.
 */
final class SharedEngines implements AutoCloseable {

    static final String WEBHOOK_TOKEN = "it-webhook-token-0123456789";
    static final String API_KEY = "it-api-key-0123456789abcdef";

    final Path work;
    PostgresServer postgres;
    ArtemisBroker broker;
    CcsSimulator simulator;
    RecordingHttpServer crm;
    private final List<Process> replicas = new ArrayList<>();

    private SharedEngines(Path work) {
        this.work = work;
    }

    /** Starts the engines in a new work directory named after {@code test}. */
    static SharedEngines start(String test) throws Exception {
        SharedEngines engines = new SharedEngines(Files.createTempDirectory(test));
        try {
            engines.postgres = PostgresServer.start();
            engines.broker = ArtemisBroker.start(engines.work.resolve("artemis"));
            engines.simulator = CcsSimulator.start(new SimulatorSettings().port(0).seedRecords(0));
            engines.crm = new RecordingHttpServer();
        } catch (Exception e) {
            engines.close();
            throw e;
        }
        return engines;
    }

    /**
     * Starts replica {@code name} of the packaged connector on these engines (its data and {@link #log} under the work
     * directory), with the test's own settings after the shared ones; {@link #close} kills it if it still runs.
     */
    Process startReplica(String name, int port, String... own) throws Exception {
        Process replica = ConnectorProcess.start(log(name), Map.of(), replicaArguments(name, port, own));
        replicas.add(replica);
        return replica;
    }

    private String[] replicaArguments(String name, int port, String... own) {
        List<String> arguments = new ArrayList<>(List.of(
                "@deploy/jvm-lean.options",
                "-Dcamel.server.port=" + port,
                "-Dconnector.data-dir=" + work.resolve(name),
                "-Dconnector.cluster=file",
                "-Dconnector.cluster.root=" + work.resolve("cluster"),
                "-Dconnector.database.url=" + postgres.url(),
                "-Dconnector.database.username=" + PostgresServer.USER,
                "-Dconnector.database.password=" + PostgresServer.PASSWORD,
                "-Dconnector.outbox.broker-url=" + broker.url(),
                "-Dconnector.outbox.username=" + ArtemisBroker.USER,
                "-Dconnector.outbox.password=" + ArtemisBroker.PASSWORD,
                "-Dcrm.jms.broker-url=" + broker.url(),
                "-Dcrm.jms.username=" + ArtemisBroker.USER,
                "-Dcrm.jms.password=" + ArtemisBroker.PASSWORD,
                "-Dccs.api-url=" + simulator.apiUrl(),
                "-Dccs.app-token=" + simulator.appToken(),
                "-Dconnector.webhook-token=" + WEBHOOK_TOKEN,
                "-Dconnector.api-key=" + API_KEY));
        arguments.addAll(List.of(own));
        return arguments.toArray(String[]::new);
    }

    /** The log of replica {@code name}. */
    Path log(String name) {
        return work.resolve(name + ".log");
    }

    /** Kills the replicas, then stops the engines. */
    @Override
    public void close() throws Exception {
        for (Process replica : replicas) {
            replica.destroyForcibly();
            replica.waitFor(30, TimeUnit.SECONDS);
        }
        for (AutoCloseable engine : new AutoCloseable[] {simulator, crm, broker, postgres}) {
            if (engine != null) {
                engine.close();
            }
        }
    }
}
