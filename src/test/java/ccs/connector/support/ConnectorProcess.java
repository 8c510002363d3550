package ccs.connector.support;

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
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(List.of(options));
        command.addAll(List.of("-jar", Path.of("target", "ccs-connector.jar").toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }
}
