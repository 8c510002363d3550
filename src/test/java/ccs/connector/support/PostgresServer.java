package ccs.connector.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;


import static org.awaitility.Awaitility.await;

/**
 * A private PostgreSQL server from Debian's {@code postgresql} package: a cluster made with
 * {@code initdb} in a temporary directory (removed by {@link #close}), listening on a free loopback port, run as the
 * unprivileged {@code postgres} user when the tests run as root (PostgreSQL refuses root).
 */
public final class PostgresServer implements AutoCloseable {

    public static final String USER = "ccs";
    public static final String PASSWORD = "it-database-password";

    private final int port;
    private final Path directory;
    private final List<String> command;
    private Process server;

    private PostgresServer(List<String> command, int port, Path directory) throws IOException {
        this.command = command;
        this.port = port;
        this.directory = directory;
        this.server = launch();
    }

    private Process launch() throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("postgres.log").toFile())).start();
    }

    public static PostgresServer start() throws Exception {
        Path bin;
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            bin = versions.map(version -> version.resolve("bin")).filter(dir -> Files.isExecutable(dir.resolve("initdb")))
                    .max(Path::compareTo).orElseThrow(() -> new IllegalStateException(
                            "no initdb under /usr/lib/postgresql: install Debian's postgresql package (.ci/run does)"));
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL is not installed: apt-get install postgresql (.ci/run does)", e);
        }
        // under the system's temporary directory, which the unprivileged user can reach
        Path directory = Files.createTempDirectory("ccs-postgres");
        Path passwordFile = Files.writeString(directory.resolve("password"), PASSWORD + "\n");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            UserPrincipal postgres = directory.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(directory, postgres);
            Files.setOwner(passwordFile, postgres);
        }
        Path data = directory.resolve("data");
        Process initdb = new ProcessBuilder(asPostgres(root, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER,
                "--pwfile=" + passwordFile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"))
                .redirectErrorStream(true).redirectOutput(directory.resolve("initdb.log").toFile()).start();
        if (!initdb.waitFor(2, TimeUnit.MINUTES) || initdb.exitValue() != 0) {
            throw new IllegalStateException("initdb failed: " + Files.readString(directory.resolve("initdb.log")));
        }
        int port = FreePorts.next();
        PostgresServer started = new PostgresServer(asPostgres(root, bin.resolve("postgres").toString(), "-D", data.toString(),
                "-p", String.valueOf(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + directory,
                "-c", "fsync=off", "-c", "max_connections=100"), port, directory);
        started.awaitAnswering();
        return started;
    }

    private void awaitAnswering() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> {
                    try (java.sql.Connection connection = DriverManager.getConnection(url(), USER, PASSWORD)) {
                        return connection.isValid(1);
                    }
                });
    }

    /**
     * Restarts the server as an operator or a failover would: a fast shutdown (SIGINT: every client's connection is ended,
     * open transactions roll back), then the same cluster on the same port again.
     */
    public void restart() throws Exception {
        // the postmaster only (as root, the child of runuser): it ends its backends itself, which may be gone before a kill reaches them
        long postmaster = server.children().findFirst().map(ProcessHandle::pid).filter(pid -> "root".equals(System.getProperty("user.name")))
                .orElse(server.pid());
        Process killing = new ProcessBuilder("sh", "-c", "kill -INT " + postmaster).inheritIO().start();
        if (!killing.waitFor(30, TimeUnit.SECONDS) || killing.exitValue() != 0) {
            throw new IllegalStateException("could not send SIGINT to PostgreSQL's postmaster " + postmaster);
        }
        if (!server.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("PostgreSQL did not stop");
        }
        server = launch();
        awaitAnswering();
    }

    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** Stops every process of the server (SIGSTOP), as a frozen or unreachable host: its connections stay open, and nothing answers on them. */
    public void freeze() throws Exception {
        signal("STOP");
    }

    /** Lets a {@link #freeze frozen} server go on (SIGCONT). */
    public void thaw() throws Exception {
        signal("CONT");
    }

    private void signal(String signal) throws Exception {
        // the shell's own kill: a slim machine may have no kill program (procps)
        List<String> kill = new ArrayList<>(List.of("sh", "-c", "kill -" + signal + " \"$@\"", "sh", String.valueOf(server.pid())));
        // the server itself too: as root it is runuser, which stops itself once its child is stopped
        server.descendants().forEach(process -> kill.add(String.valueOf(process.pid())));
        Process killing = new ProcessBuilder(kill).inheritIO().start();
        if (!killing.waitFor(30, TimeUnit.SECONDS) || killing.exitValue() != 0) {
            throw new IllegalStateException("could not send SIG" + signal + " to PostgreSQL: " + kill);
        }
    }

    @Override
    public void close() throws Exception {
        server.destroy();
        if (!server.waitFor(30, TimeUnit.SECONDS)) {
            server.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    private static List<String> asPostgres(boolean root, String... command) {
        List<String> line = new ArrayList<>(root ? List.of("runuser", "-u", "postgres", "--") : List.of());
        line.addAll(List.of(command));
        return line;
    }
}
