package ccs.connector.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The packaged connector started as the README says: java [options] -jar target/ccs-connector.jar from the project root. */
public final class ConnectorProcess {

    private ConnectorProcess() {
    }

    /** Starts it with JVM options (-Dkey=value) and environment variables; its output goes to {@code log}. */
    public static Process start(Path log, Map<String, String> environment, String... options) throws Exception {
        return startIn(Path.of("."), log, environment, options);
    }

    /** Starts it as {@link #start} does, from another directory, which holds its application.properties and routes/. */
    public static Process startIn(Path directory, Path log, Map<String, String> environment, String... options) throws Exception {
        return startBy(List.of(), directory, log, environment, options);
    }

    /**
     * Starts it as {@link #startIn} does, through {@code launcher}: a command that runs the rest of its line, such as setpriv
     * with the privileges it takes away.
     */
    public static Process startBy(List<String> launcher, Path directory, Path log, Map<String, String> environment, String... options)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(launcher);
        command.add(java);
        command.addAll(List.of(options));
        command.addAll(List.of("-jar", Path.of("target", "ccs-connector.jar").toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }

    /** The project's settings, routes and contacts in a directory of their own under target, to start the jar from ({@link #startIn}). */
    public static Path projectCopy(String prefix) throws Exception {
        Path project = Files.createTempDirectory(Path.of("target").toAbsolutePath(), prefix);
        Files.copy(Path.of("application.properties"), project.resolve("application.properties"));
        for (String folder : List.of("routes", "contacts")) {
            try (var files = Files.walk(Path.of(folder))) {
                for (Path file : files.toList()) {
                    Files.copy(file, project.resolve(file.toString()));
                }
            }
        }
        return project;
    }
}
