package ccs.connector.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.language.SimpleExpression;
import org.apache.camel.support.DefaultExchange;

/**
 * Stops startup when {@code crm.sink} names no route {@code direct:crm-sink-<name>}, or {@code crm.lookup} no route
 * {@code direct:crm-lookup-<name>}: the first would leave every event undelivered, the second every screen pop waiting
 * out its timeout and blaming the CRM. Where the engineer did add that route, the line says why it is not there: its
 * precondition leaves it out, or its file under {@code routes/} is not read.
 */
public final class CrmRouteCheck {

    /** Where the route files are, as the shipped {@code camel.main.routes-include-pattern} reads them. */
    private static final Path ROUTES = Path.of("routes");

    private CrmRouteCheck() {
    }

    /** Runs once the routes are loaded and before they start. */
    public static void check(CamelContext camel) {
        Settings settings = Settings.of(camel);
        require(camel, "crm.sink", "crm-sink-", settings.string("crm.sink", "file"),
                "use file, rest or jms, or add a route for it under routes/customer/ (see the README, \"Add a customer's CRM\")");
        require(camel, "crm.lookup", "crm-lookup-", settings.string("crm.lookup", "file"),
                "use file or rest, or add a route for it under routes/customer/ (see the README, \"Lookup plug-ins\")");
    }

    private static void require(CamelContext camel, String key, String prefix, String name, String advice) {
        String endpoint = "direct:" + prefix + name;
        List<RouteDefinition> consumers = camel.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinitions().stream()
                .filter(route -> endpoint.equals(route.getEndpointUrl()) || ("direct://" + prefix + name).equals(route.getEndpointUrl()))
                .toList();
        if (consumers.stream().anyMatch(route -> included(camel, route))) {
            return;
        }
        String why = consumers.stream().findFirst()
                .map(route -> "route " + route.getRouteId() + " of " + location(route) + " consumes it, but its precondition "
                        + route.getPrecondition() + " leaves it out: make it hold for " + key + "=" + name + ", as '{{" + key
                        + "}}' == '" + name + "'")
                .or(() -> unread(endpoint)).orElse(advice);
        throw new InvalidSettingException(key, "is '" + name + "' but no route consumes " + endpoint + ": " + why);
    }

    /**
     * Whether Camel will start the route: it weighs a route's precondition only as it starts the routes, after this check,
     * so a route copied with the precondition of the one it came from was counted, and every event waited for it.
     */
    private static boolean included(CamelContext camel, RouteDefinition route) {
        if (route.getPrecondition() == null) {
            return true;
        }
        SimpleExpression precondition = new SimpleExpression(route.getPrecondition());
        precondition.initPredicate(camel);
        precondition.getPredicate().initPredicate(camel);
        return precondition.getPredicate().matches(new DefaultExchange(camel));
    }

    private static String location(RouteDefinition route) {
        return route.getResource() == null ? "its file" : route.getResource().getLocation().replaceFirst("^file:", "");
    }

    /** Why a route file under routes/ that consumes the endpoint was not read, if there is one. */
    private static Optional<String> unread(String endpoint) {
        if (!Files.isDirectory(ROUTES)) {
            return Optional.empty();
        }
        Pattern consumes = Pattern.compile(Pattern.quote(endpoint) + "(?![\\w.-])");
        // through links too: a folder reached by one is where the engineer put the file; a ConfigMap's hidden ..data is not
        try (Stream<Path> files = Files.walk(ROUTES, 8, FileVisitOption.FOLLOW_LINKS)) {
            return files.filter(file -> Files.isRegularFile(file) && !hidden(file) && holds(file, consumes)).sorted()
                    .flatMap(file -> notRead(file).map(why -> file + " holds that route but is not read: " + why).stream()).findFirst();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> notRead(Path file) {
        if (!file.getFileName().toString().endsWith(".camel.yaml")) {
            return Optional.of("a route file's name ends in .camel.yaml");
        }
        for (Path folder = file.getParent(); folder != null; folder = folder.getParent()) {
            if (Files.isSymbolicLink(folder)) {
                return Optional.of(folder + " is a symbolic link, and no folder reached by one is read; put the file itself "
                        + "there (a link to each file is read)");
            }
        }
        return Optional.empty();
    }

    private static boolean hidden(Path file) {
        for (Path part : ROUTES.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static boolean holds(Path file, Pattern consumes) {
        try {
            return Files.size(file) < 1 << 20 && consumes.matcher(Files.readString(file, StandardCharsets.UTF_8)).find();
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }
}
