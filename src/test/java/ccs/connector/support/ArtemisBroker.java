package ccs.connector.support;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;


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

    private final Path directory;
    private final int port;
    private Process broker;

    private ArtemisBroker(Path directory, Process broker, int port) {
        this.directory = directory;
        this.broker = broker;
        this.port = port;
    }

    public static ArtemisBroker start(Path directory) throws Exception {
        if (!Files.isRegularFile(DISTRIBUTION.resolve("bin").resolve("artemis"))) {
            throw new IllegalStateException("no Artemis distribution at " + DISTRIBUTION + ": mvn verify unpacks it (pre-integration-test)");
        }
        Files.createDirectories(directory);
        int port = FreePorts.next();
        Path instance = directory.resolve("broker").toAbsolutePath();
        run(directory.resolve("create.log"), "bash", DISTRIBUTION.resolve("bin").resolve("artemis").toAbsolutePath().toString(), "create",
                instance.toString(), "--silent", "--user", USER, "--password", PASSWORD, "--require-login", "--host", "127.0.0.1",
                "--default-port", String.valueOf(port), "--no-web", "--no-amqp-acceptor", "--no-mqtt-acceptor", "--no-stomp-acceptor",
                "--no-hornetq-acceptor", "--nio", "--no-autotune");
        ArtemisBroker started = new ArtemisBroker(directory, launch(directory), port);
        started.awaitListening();
        return started;
    }

    /** Runs the broker instance of the directory, its output appended to broker.log. */
    private static Process launch(Path directory) throws Exception {
        Path instance = directory.resolve("broker").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder("bash", instance.resolve("bin").resolve("artemis").toString(), "run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("broker.log").toFile()));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_ARGS", "-Xms64m -Xmx256m");
        return builder.start();
    }

    private void awaitListening() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            }
        });
    }

    /** Stops the broker (SIGTERM: it closes its journal) and runs it again on the same journal and port, as an operator's restart. */
    public void restart() throws Exception {
        stop();
        broker = launch(directory);
        awaitListening();
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    private void stop() throws Exception {
        // the broker's own process, not only the shell script around it
        List<ProcessHandle> java = broker.descendants().toList();
        broker.destroy();
        java.forEach(ProcessHandle::destroy);
        for (ProcessHandle process : java) {
            process.onExit().get(30, TimeUnit.SECONDS);
        }
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
