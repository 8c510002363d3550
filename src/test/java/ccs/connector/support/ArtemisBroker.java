package ccs.connector.support;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.camel.test.AvailablePortFinder;

import static org.awaitility.Awaitility.await;

/**
 * A standalone ActiveMQ Artemis broker from the distribution that the build unpacks under
 * {@code target/artemis} (org.apache.activemq:apache-artemis, bin): created with
 * {@code artemis create} in a directory of the test (login required, CORE on a free loopback
 * port) and run as its own process.
 */
public final class ArtemisBroker implements AutoCloseable {

    public static final String USER = "ccs";
    public static final String PASSWORD = "it-broker-password";
    private static final Path DISTRIBUTION = Path.of("target", "artemis", "apache-artemis-" + System.getProperty("artemis.version", "2.44.0"));

    private final Process broker;
    private final int port;

    private ArtemisBroker(Process broker, int port) {
        this.broker = broker;
        this.port = port;
    }

    public static ArtemisBroker start(Path directory) throws Exception {
        if (!Files.isRegularFile(DISTRIBUTION.resolve("bin").resolve("artemis"))) {
            throw new IllegalStateException("no Artemis distribution at " + DISTRIBUTION + ": mvn verify unpacks it (pre-integration-test)");
        }
        Files.createDirectories(directory);
        int port = AvailablePortFinder.getNextAvailable();
        Path instance = directory.resolve("broker").toAbsolutePath();
        run(directory.resolve("create.log"), "bash", DISTRIBUTION.resolve("bin").resolve("artemis").toAbsolutePath().toString(), "create",
                instance.toString(), "--silent", "--user", USER, "--password", PASSWORD, "--require-login", "--host", "127.0.0.1",
                "--default-port", String.valueOf(port), "--no-web", "--no-amqp-acceptor", "--no-mqtt-acceptor", "--no-stomp-acceptor",
                "--no-hornetq-acceptor", "--nio", "--no-autotune");
        ProcessBuilder builder = new ProcessBuilder("bash", instance.resolve("bin").resolve("artemis").toString(), "run")
                .redirectErrorStream(true).redirectOutput(directory.resolve("broker.log").toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_ARGS", "-Xms64m -Xmx256m");
        ArtemisBroker started = new ArtemisBroker(builder.start(), port);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            }
        });
        return started;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        broker.destroy();
        if (!broker.waitFor(30, TimeUnit.SECONDS)) {
            broker.destroyForcibly();
        }
    }

    private static void run(Path log, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of(command)).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("artemis " + command[2] + " failed: " + Files.readString(log));
        }
    }
}
