package ccs.connector;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ccs.connector.agentperf.AgentPerformanceConfiguration;
import ccs.connector.cdr.CdrConfiguration;
import ccs.connector.click2call.Click2callConfiguration;
import ccs.connector.cluster.ClusterConfiguration;
import ccs.connector.config.CrmRouteCheck;
import ccs.connector.config.InvalidSettingException;
import ccs.connector.config.RouteStartupCheck;
import ccs.connector.config.Secrets;
import ccs.connector.crm.CrmConfiguration;
import ccs.connector.status.StatusConfiguration;
import ccs.connector.webhook.WebhookConfiguration;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.FailedToStartRouteException;
import org.apache.camel.component.bean.MethodNotFoundException;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.logging.log4j.jul.Log4jBridgeHandler;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/**
 * Runs the connector: {@code java -jar target/ccs-connector.jar} from the project root reads
 * {@code ./application.properties} and the route files under {@code ./routes/}. A wrong setting
 * stops startup with one line naming the key and the fix, and exit status 2; a route that cannot
 * be created or started, with one line naming the route, and exit status 3.
 */
public final class ConnectorMain {

    /** The configuration classes that bind the beans the routes call, in the order they run: each uses what the ones before bound. */
    public static final List<Class<? extends CamelConfiguration>> CONFIGURATIONS = List.of(ConnectorConfiguration.class,
            CrmConfiguration.class, WebhookConfiguration.class, Click2callConfiguration.class, CdrConfiguration.class,
            AgentPerformanceConfiguration.class, ClusterConfiguration.class, StatusConfiguration.class);

    private static final String CANNOT_START = "ccs-connector cannot start: ";
    private static final String LOG_FORMAT = "connector.log.format";

    /** The connector's own classes: a route naming one that is gone was written for another version. */
    private static final String OWN_PACKAGE = ConnectorMain.class.getPackageName() + ".";

    private ConnectorMain() {
    }

    public static void main(String[] args) throws Exception {
        // Nothing may depend on the host's language or zone. Camel finds a setting's environment variable by upper-casing its
        // name in the default locale (in Turkish, connector.data-dir gives CONNECTOR_DATA_DİR, which nobody sets) and writes
        // its date functions in the locale's digits and calendar; the state store's TIMESTAMP columns hold wall-clock times
        // of the JVM's zone, which must read back the same after a move to another host and on every replica.
        Locale.setDefault(Locale.ROOT);
        TimeZone.setDefault(TimeZone.getTimeZone(ZoneOffset.UTC));
        chooseLogFormat();
        // java.util.logging (and System.Logger, which Caffeine uses) would print to stderr past the layout that masks secrets
        Log4jBridgeHandler.install(true, null, true);
        // Camel Main binds the HTTP server's port from -D, else application.properties, and skips every environment variable
        // ending in _PORT (Kubernetes' service variables); {{camel.server.port}} (the management port with health and metrics,
        // connector.public-url, the startup checks) takes the variable first. Given both ways, the port opened two servers: the
        // probes on one, the doors on the other. As the system property the variable wins for all of them, as variables do.
        String port = System.getenv("CAMEL_SERVER_PORT");
        if (port != null && !port.isBlank()) {
            System.setProperty("camel.server.port", port);
        }
        Main main = new Main() {
            @Override
            protected CamelContext createCamelContext() {
                CamelContext camel = super.createCamelContext();
                // application.properties is read as UTF-8, as it is written (Turkish IVR parameter names, say), not as Java's ISO-8859-1
                ((PropertiesComponent) camel.getPropertiesComponent()).setEncoding(StandardCharsets.UTF_8.name());
                return camel;
            }
        };
        main.setDefaultPropertyPlaceholderLocation("file:application.properties");
        configure(main.configure());
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport configured) {
                CrmRouteCheck.check(configured.getCamelContext());
            }

            @Override
            public void afterStart(BaseMainSupport started) {
                Thread check = new Thread(() -> {
                    try {
                        RouteStartupCheck.awaitStartedRoutes(started.getCamelContext()).ifPresent(failure -> exit(3, failure));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "route-startup-check");
                check.setDaemon(true);
                check.start();
            }
        });
        try {
            main.run(args);
        } catch (Exception e) {
            InvalidSettingException invalid = cause(e, InvalidSettingException.class);
            if (invalid != null) {
                exit(2, invalid.getMessage());
            }
            // a setting a route uses that is nowhere (a customer sink's URL or token not given): named like any missing setting
            Matcher unset = UNSET_PLACEHOLDER.matcher(RouteStartupCheck.rootMessage(e));
            if (unset.find()) {
                exit(2, "setting " + unset.group(1) + " is missing: a route uses it; set it in application.properties or as "
                        + "an environment variable");
            }
            // a route file that is no route YAML (a misspelt step, a line indented wrong): its problem, file, line and column
            MarkedYamlEngineException unreadable = cause(e, MarkedYamlEngineException.class);
            if (unreadable != null) {
                exit(3, "a route file cannot be read: " + problemAndPlace(unreadable));
            }
            FailedToCreateRouteException route = cause(e, FailedToCreateRouteException.class);
            if (route != null) {
                // no id yet where the routes as a whole are refused (two with one id)
                exit(3, (route.getRouteId() == null ? "the routes" : "route " + route.getRouteId()) + " cannot be created: "
                        + RouteStartupCheck.rootMessage(route) + anotherVersion(main.getCamelContext(), route));
            }
            FailedToStartRouteException notStarted = cause(e, FailedToStartRouteException.class);
            if (notStarted != null) {
                exit(3, "route " + notStarted.getRouteId() + " cannot be started: " + RouteStartupCheck.rootMessage(notStarted));
            }
            // anything else (a database that does not answer, say) is no known mistake: its trace goes to the log, through the
            // masking layout, and the JVM exits, where a thread left running (the simulator's) would keep it up doing nothing
            LoggerFactory.getLogger(ConnectorMain.class).error("Startup failed", e);
            exit(1, RouteStartupCheck.rootMessage(e));
        }
    }

    /** How Camel says a route's {@code {{key}}} is set nowhere. */
    private static final Pattern UNSET_PLACEHOLDER = Pattern.compile("^Property with key \\[([^\\]]+)] not found");

    /**
     * A YAML problem and where it is: what is wrong, then the file, line and column (snakeyaml's message leads with the
     * context, "while parsing a block mapping", and its place, for a line indented wrong).
     */
    private static String problemAndPlace(MarkedYamlEngineException unreadable) {
        String problem = unreadable.getProblem() != null ? unreadable.getProblem() : unreadable.getContext();
        return problem + unreadable.getProblemMark().or(unreadable::getContextMark)
                .map(at -> " in " + at.getName() + ", line " + (at.getLine() + 1) + ", column " + (at.getColumn() + 1)).orElse("");
    }

    /**
     * What to do when the route names a class of the connector that is not there, or a method its bean does not have: its file
     * was written for another version, kept when the jar was replaced. Nothing for any other failure.
     */
    private static String anotherVersion(CamelContext camel, FailedToCreateRouteException route) {
        ClassNotFoundException missingClass = cause(route, ClassNotFoundException.class);
        MethodNotFoundException missingMethod = cause(route, MethodNotFoundException.class);
        Object bean = missingMethod != null ? missingMethod.getBean() : null;
        boolean ours = missingClass != null && String.valueOf(missingClass.getMessage()).startsWith(OWN_PACKAGE)
                || bean != null && (bean instanceof Class<?> type ? type : bean.getClass()).getName().startsWith(OWN_PACKAGE);
        if (!ours) {
            return "";
        }
        String file = Optional.ofNullable(route.getRouteId())
                .map(camel.getCamelContextExtension().getContextPlugin(Model.class)::getRouteDefinition)
                .map(RouteDefinition::getResource).map(resource -> "route file " + resource.getLocation().replaceFirst("^file:", ""))
                .orElse("the route");
        return "; " + file + " was written for another version of ccs-connector: take this version's routes/ccs and routes/core, "
                + "and compare your own routes (routes/customer) with this version's (see the README, \"Upgrading\")";
    }

    /** Names the connector's configuration classes; the tests start the connector through this too. */
    public static void configure(MainConfigurationProperties main) {
        CONFIGURATIONS.forEach(main::addConfiguration);
    }

    /**
     * The log format, set before anything logs: log4j2.properties takes the console appender of that name, and under any
     * other (JSON, jsn, a blank) it wrote one status line and then nothing more, the process's every line lost.
     */
    private static void chooseLogFormat() {
        String format = Optional.ofNullable(System.getProperty(LOG_FORMAT)).orElse(System.getenv("CONNECTOR_LOG_FORMAT"));
        if (format == null) {
            return;
        }
        String named = format.trim().toLowerCase(Locale.ROOT);
        if (!named.equals("text") && !named.equals("json")) {
            exit(2, "setting " + LOG_FORMAT + " (or CONNECTOR_LOG_FORMAT) is '" + format + "': it must be text or json");
        }
        System.setProperty(LOG_FORMAT, named);
    }

    private static void exit(int status, String reason) {
        // printed past the log layout: a setting quoted in the reason may be a URL with a password in it
        System.err.println(CANNOT_START + Secrets.mask(reason));
        System.exit(status);
    }

    private static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
