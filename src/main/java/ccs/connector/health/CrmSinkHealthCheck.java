package ccs.connector.health;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import ccs.connector.config.Metrics;
import ccs.connector.crm.DeliveryRetries;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import org.apache.activemq.artemis.api.core.ActiveMQException;

/**
 * The CRM sink can take events: the file sink's directory is writable; the JMS sink's broker accepts a connection and
 * grants room to send into {@code crm.jms.queue} ({@link BrokerRoom}: a broker whose disk or address is full blocks its
 * producers, refusing nothing, while a connection alone said UP); the REST sink's host accepts a TCP connection (no
 * request is made, the CRM sees nothing). A customer sink is probed at {@code crm.health.probe-url} when that is set.
 * Whatever the probe finds, a sink whose latest delivery failed and is tried again cannot take events
 * either ({@link DeliveryRetries}: a host that takes connections and answers 503).
 * The gauge {@code crm_sink_up} is 1 while it can. Not a readiness check: events wait in the
 * outbox while the CRM is down.
 */
public final class CrmSinkHealthCheck extends CachedHealthCheck {

    private static final int CONNECT_TIMEOUT_MILLIS = 2000;

    private final String sink;
    private final Path fileDir;
    private final String restUrl;
    /** Artemis's own factory: a caching one's sessions are proxies, no producer credits to read */
    private final ConnectionFactory jms;
    private final String jmsQueue;
    private final DeliveryRetries retries;

    private final Metrics metrics;

    public CrmSinkHealthCheck(String sink, Path fileDir, String restUrl, ConnectionFactory jms, String jmsQueue, DeliveryRetries retries,
                              Metrics metrics, Duration cacheFor) {
        super("crm-sink", cacheFor);
        this.metrics = metrics;
        this.sink = sink;
        this.fileDir = fileDir;
        this.restUrl = restUrl;
        this.jms = jms;
        this.jmsQueue = jmsQueue;
        this.retries = retries;
    }

    @Override
    protected Probe probe() {
        // before the probe: one that throws is down, and the gauge must say so
        metrics.gauge("crm.sink.up", "1 while the CRM sink can take events, else 0", () -> up() ? 1 : 0);
        String problem = switch (sink) {
            case "file" -> writable();
            case "jms" -> brokerAccepts();
            default -> restUrl == null || restUrl.isBlank() ? null : hostAccepts();
        };
        if (problem == null) {
            problem = retries.problem();
        }
        return new Probe(problem, Map.of("sink", sink));
    }

    private String writable() {
        try {
            Files.createDirectories(fileDir);
            return Files.isWritable(fileDir) ? null : "the file sink cannot write to " + fileDir;
        } catch (FileAlreadyExistsException e) {
            // its message is the path alone
            return "the file sink cannot write to " + fileDir + ": " + e.getFile() + " is a file, not a directory";
        } catch (IOException e) {
            return "the file sink cannot create " + fileDir + ": " + e.getMessage();
        }
    }

    private String brokerAccepts() {
        try (Connection connection = jms.createConnection()) {
            try {
                return BrokerRoom.grantsRoom(connection, jmsQueue) ? null
                        : "the CRM's broker takes no messages into " + jmsQueue + ": it blocks its producers (its disk or the address full?)";
            } catch (JMSException | ActiveMQException e) {
                return "the CRM's broker refuses a producer of " + jmsQueue + ": " + e.getMessage();
            }
        } catch (JMSException e) {
            return "the JMS sink's broker refuses connections: " + e.getMessage();
        }
    }

    private String hostAccepts() {
        URI uri = URI.create(restUrl);
        int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), port), CONNECT_TIMEOUT_MILLIS);
            return null;
        } catch (IOException e) {
            return "the CRM at " + uri.getHost() + ":" + port + " does not accept connections: " + e.getMessage();
        }
    }
}
