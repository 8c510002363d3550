package ccs.connector;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ccs.connector.support.ConnectorProcess;
import ccs.connector.support.FreePorts;
import ccs.connector.support.SelfSignedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged connector, started as the README says, with a setting, a route file or a port it cannot work with: it stops at
 * once with one line saying what and where, an exit status of its own, and no stack trace (what starts: ConnectorJarIT).
 */
class StartupRefusedIT {

    /** A customer's route file edited wrong: one line naming what, where, and no stack trace. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "broken.camel.yaml | - route:\\n    id: broken\\n    from:\\n      uri: direct:broken\\n      steps:\\n        - setVaribles: {} "
                    + "| a route file cannot be read: Unknown node id: setVaribles in file:routes/customer/broken.camel.yaml, line 6, column",
            "indented.camel.yaml | - route:\\n    id: indented\\n    from:\\n      uri: direct:indented\\n      steps:\\n        - log: one\\n       - log: two "
                    + "| a route file cannot be read: expected <block end>, but found '<block sequence start>' in file:routes/customer/indented.camel.yaml, line 7, column 8",
            // a worked example copied without a new id
            "copy.camel.yaml   | - route:\\n    id: crm-click2call-file\\n    from:\\n      uri: direct:copy\\n      steps:\\n        - log: copy "
                    + "| the routes cannot be created: Failed to create route because: Duplicate route ids detected: crm-click2call-file"})
    void aRouteFileEditedWrongStopsStartupWithOneLineSayingWhatAndWhere(String file, String yaml, String line) throws Exception {
        assertThat(routeFileStopsStartup(file, yaml)).contains(line);
    }

    /**
     * A route file of the version before, kept when only the jar was replaced: a class of the connector it names is gone, or a
     * method of the connector's bean it calls. The line keeps Camel's reason and says which file and what to do.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "old-lookup.camel.yaml | - route:\\n    id: old-lookup\\n    from:\\n      uri: direct:old-lookup\\n      steps:\\n        - doTry:\\n"
                    + "            steps:\\n              - log: lookup\\n            doCatch:\\n              - exception:\\n"
                    + "                  - ccs.connector.screenpop.CrmAnswerLimit$TooLongException\\n                steps:\\n                  - log: too long "
                    + "| route old-lookup cannot be created: ccs.connector.screenpop.CrmAnswerLimit$TooLongException",
            "old-list.camel.yaml | - route:\\n    id: old-list\\n    from:\\n      uri: direct:old-list\\n      steps:\\n        - setBody:\\n"
                    + "            expression:\\n              method:\\n                ref: deadLetters\\n                method: list "
                    + "| route old-list cannot be created: Method with name: list not found on bean: ccs.connector.crm.DeadLetters@"})
    void aRouteFileOfAnotherVersionStopsStartupNamingItAndWhatToDo(String file, String yaml, String cause) throws Exception {
        assertThat(routeFileStopsStartup(file, yaml)).contains(cause).endsWith("; route file routes/customer/" + file
                + " was written for another version of ccs-connector: take this version's routes/ccs and routes/core, and compare your "
                + "own routes (routes/customer) with this version's (see the README, \"Upgrading\")");
    }

    /** The line the connector stops with (exit status 3, no stack trace) when routes/customer holds this file too. */
    private static String routeFileStopsStartup(String file, String yaml) throws Exception {
        Path project = ConnectorProcess.projectCopy("it-route-");
        Files.writeString(project.resolve("routes/customer").resolve(file), yaml.replace("\\n", "\n"));
        Process connector = ConnectorProcess.startIn(project, project.resolve("connector.log"), Map.of(), "-Dcamel.server.port=" + FreePorts.next());
        assertThat(exitStatus(connector)).isEqualTo(3);
        List<String> output = Files.readAllLines(project.resolve("connector.log"));
        assertThat(output).noneMatch(out -> out.trim().startsWith("at "));
        return assertThat(output).filteredOn(out -> out.startsWith("ccs-connector cannot start:")).singleElement().actual();
    }

    /**
     * A customer's sink route that the engineer did add but that is not there: a file named like any YAML, a folder linked in,
     * or a copy of the README's example that kept its precondition (which Camel weighs only after the check: the connector
     * started, and every event waited for the sink). Startup stops with one line naming the file and what to change.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "crm-sink-globex.yaml        | globex | false | routes/customer/crm-sink-globex.yaml holds that route but is not read: a route file's name ends in .camel.yaml",
            "crm-sink-globex.camel.yaml  | globex | true  | routes/customer/crm-sink-globex.camel.yaml holds that route but is not read: routes/customer is a symbolic link",
            "crm-sink-globex.camel.yaml  | acme   | false | route crm-sink-globex of routes/customer/crm-sink-globex.camel.yaml consumes it, but its precondition "
                    + "'{{crm.sink}}' == 'acme' leaves it out: make it hold for crm.sink=globex, as '{{crm.sink}}' == 'globex'"})
    void aSinkRouteAddedButNotThereStopsStartupNamingItsFileAndWhy(String file, String precondition, boolean linkedFolder, String why)
            throws Exception {
        Path project = ConnectorProcess.projectCopy("it-sink-route-");
        Files.writeString(project.resolve("routes/customer").resolve(file), String.join("\n", "- route:", "    id: crm-sink-globex",
                "    precondition: \"'{{crm.sink}}' == '" + precondition + "'\"", "    from:", "      uri: direct:crm-sink-globex",
                "      steps:", "        - log: delivered", ""));
        if (linkedFolder) {
            Path elsewhere = Files.move(project.resolve("routes/customer"), project.resolve("customer-routes"));
            Files.createSymbolicLink(project.resolve("routes/customer"), elsewhere);
        }
        Process connector = ConnectorProcess.startIn(project, project.resolve("connector.log"), Map.of(), "-Dcamel.server.port=" + FreePorts.next(),
                "-Dcrm.sink=globex");
        assertThat(exitStatus(connector)).isEqualTo(2);
        assertThat(Files.readAllLines(project.resolve("connector.log"))).filteredOn(out -> out.startsWith("ccs-connector cannot start:"))
                .singleElement().asString()
                .startsWith("ccs-connector cannot start: setting crm.sink is 'globex' but no route consumes direct:crm-sink-globex: " + why);
    }

    /**
     * Settings copied with a comment at the end of the line, as the README's block for several replicas once showed them:
     * Java reads the comment into the value. Startup stops naming the first such key, never its value (a password).
     */
    @Test
    void aCommentAtTheEndOfASettingsLineStopsStartupNamingTheKeyNotTheValue() throws Exception {
        Path project = ConnectorProcess.projectCopy("it-line-comment-");
        Files.writeString(project.resolve("application.properties"), String.join("\n", "",
                "connector.outbox.password=SECRETBROKERPASS5      # CONNECTOR_OUTBOX_PASSWORD",
                "crm.sink=jms                               # a file sink's directory would be each replica's own", ""),
                StandardOpenOption.APPEND);
        Process connector = ConnectorProcess.startIn(project, project.resolve("connector.log"), Map.of(), "-Dcamel.server.port=" + FreePorts.next());
        assertThat(exitStatus(connector)).isEqualTo(2);
        List<String> output = Files.readAllLines(project.resolve("connector.log"));
        assertThat(output).filteredOn(out -> out.startsWith("ccs-connector cannot start:")).singleElement().isEqualTo(
                "ccs-connector cannot start: setting connector.outbox.password has a comment after its value (\" # ...\"), which a "
                        + "properties file reads as part of the value: put the comment on a line of its own");
        assertThat(output).noneMatch(out -> out.contains("SECRETBROKERPASS5"));
    }

    @Test
    void aPortAnotherProcessListensOnStopsStartupRatherThanLeaveItRunningWithoutServing() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Path log = Path.of("target", "it-connector-port-taken.log");
            Process connector = ConnectorProcess.start(log, Map.of(), "-Dcamel.server.port=" + taken.getLocalPort(),
                    "-Dconnector.data-dir=target/it-port-taken-data");
            assertThat(exitStatus(connector)).isEqualTo(2);
            assertThat(Files.readAllLines(log)).filteredOn(line -> line.startsWith("ccs-connector cannot start:")).singleElement()
                    .asString().contains("setting camel.server.port is " + taken.getLocalPort() + ", which another process listens on");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "ccs.session.ttl     | -Dccs.session.ttl=30s",
            "ccs.session.ttl     | -Dccs.session.ttl=13h",
            "ccs.session.refusal-hold | -Dccs.session.refusal-hold=abc",
            // 0 held no refusal (an unknown agent's every request a login), a week an agent created since at 422
            "ccs.session.refusal-hold | -Dccs.session.refusal-hold=0s",
            "ccs.session.refusal-hold | -Dccs.session.refusal-hold=7d",
            "ccs.cdr.enabled     | -Dccs.cdr.enabled=yes",
            "crm.delivery.consumers | -Dcrm.delivery.consumers=0",
            "crm.retry.initial-delay | -Dcrm.retry.initial-delay=soon",
            // a number without its unit was read as milliseconds: correlations deleted 48 ms after their click2call
            "connector.correlation.retention | -Dconnector.correlation.retention=48",
            "ccs.cdr.overlap     | -Dccs.cdr.overlap=5m30",
            // the name of no appender: every line of the process was lost
            "connector.log.format | -Dconnector.log.format=jsn",
            // timers' periods: at 0 a timer runs once and never again (probes, gauges and the held webhooks' release frozen)
            "connector.health.cache | -Dconnector.health.cache=0s",
            "crm.dedupe.cleanup-interval | -Dcrm.dedupe.cleanup-interval=0s",
            // two fields under one name: the call key read from the caller's number
            "ccs.ivr.param.call-key | -Dccs.ivr.param.call-key=callerid",
            "ccs.tenant.globex.ivr.param.caller | -Dccs.tenants=demo,globex -Dccs.tenant.globex.ivr.param.caller=callkeyX",
            // a field under a name the connector keeps: every notification refused, a queue taken for a tenant, a caller scrubbed
            "ccs.ivr.param.call-key | -Dccs.ivr.param.call-key=token",
            "ccs.ivr.param.queue-name | -Dccs.ivr.param.queue-name=tenant",
            "ccs.tenant.globex.ivr.param.caller | -Dccs.tenants=demo,globex -Dccs.tenant.globex.ivr.param.caller=session",
            "camel.server.port   | -Dcamel.server.port=abc",
            "ccs.api-url         | -Dccs.api-url=Embedded",
            "crm.sink            | -Dcrm.sink=salesforce",
            "crm.lookup          | -Dcrm.lookup=acme",
            "crm.rest.url        | -Dcrm.sink=rest",
            "crm.rest.token      | -Dcrm.sink=rest -Dcrm.rest.url=http://127.0.0.1:9/events -Dcrm.rest.auth=bearer",
            "crm.rest.username   | -Dcrm.sink=rest -Dcrm.rest.url=http://127.0.0.1:9/events -Dcrm.rest.auth=basic",
            "crm.rest.auth       | -Dcrm.rest.auth=oauth",
            "ccs.api-url         | -Dccs.api-url=acme.callcenterstudio.com -Dconnector.webhook-token=0123456789abcdef0123 -Dconnector.api-key=0123456789abcdef0123",
            // the token application.properties ships is the simulator's: a real tenant's API refuses it on every call
            "ccs.app-token       | -Dccs.api-url=https://acme.callcenterstudio.com/api/",
            "connector.webhook-token | -Dccs.api-url=https://acme.callcenterstudio.com/api/ -Dccs.app-token=acme-app-token",
            "connector.webhook-token | -Dccs.api-url=https://acme.callcenterstudio.com/api/ -Dccs.app-token=acme-app-token -Dconnector.webhook-token=REPLACE-WITH-A-RANDOM-SECRET",
            "connector.webhook-token.previous | -Dccs.api-url=https://acme.callcenterstudio.com/api/ -Dccs.app-token=acme-app-token -Dconnector.webhook-token=0123456789abcdef0123 -Dconnector.webhook-token.previous=demo-webhook-token-change-me",
            "connector.api-key   | -Dccs.api-url=https://acme.callcenterstudio.com/api/ -Dccs.app-token=acme-app-token -Dconnector.webhook-token=0123456789abcdef0123 -Dconnector.api-key=REPLACE-WITH-A-RANDOM-SECRET",
            "connector.agent-page.secret | -Dccs.api-url=https://acme.callcenterstudio.com/api/ -Dccs.app-token=acme-app-token -Dconnector.webhook-token=0123456789abcdef0123 -Dconnector.api-key=0123456789abcdef0123 -Dconnector.public-url=https://connector.acme.example -Dconnector.agent-page.secret=REPLACE-WITH-A-RANDOM-SECRET-OF-32-CHARACTERS-OR-MORE",
            "connector.public-url | -Dccs.api-url=https://acme.callcenterstudio.com/api/ -Dccs.app-token=acme-app-token -Dconnector.webhook-token=0123456789abcdef0123 -Dconnector.api-key=0123456789abcdef0123",
            // one real tenant beside the simulator's is a real tenant: its agents' sessions need the same secrets
            "ccs.tenant.acme.api-url | -Dccs.tenants=demo,acme -Dccs.tenant.acme.api-url=acme.callcenterstudio.com",
            "connector.api-key   | -Dccs.tenants=demo,acme -Dccs.tenant.acme.api-url=https://acme.callcenterstudio.com/api/ -Dccs.tenant.acme.app-token=acme-app-token -Dconnector.webhook-token=0123456789abcdef0123",
            "connector.public-url | -Dccs.tenants=demo,acme -Dccs.tenant.acme.api-url=https://acme.callcenterstudio.com/api/ -Dccs.tenant.acme.app-token=acme-app-token -Dconnector.webhook-token=0123456789abcdef0123 -Dconnector.api-key=0123456789abcdef0123",
            // a second real tenant never borrows the default's API, nor its app token for an API of its own
            "ccs.tenant.globex.api-url | -Dccs.tenant=acme -Dccs.tenants=acme,globex -Dccs.api-url=https://acme.callcenterstudio.com/api/ -Dccs.app-token=acme-app-token -Dconnector.webhook-token=0123456789abcdef0123 -Dconnector.api-key=0123456789abcdef0123 -Dconnector.public-url=https://connector.acme.example",
            "ccs.tenant.globex.app-token | -Dccs.tenant=acme -Dccs.tenants=acme,globex -Dccs.api-url=https://acme.callcenterstudio.com/api/ -Dccs.app-token=acme-app-token -Dccs.tenant.globex.api-url=https://globex.callcenterstudio.com/api/ -Dconnector.webhook-token=0123456789abcdef0123 -Dconnector.api-key=0123456789abcdef0123 -Dconnector.public-url=https://connector.acme.example",
            "ccs.tenant.globex.app-token | -Dccs.tenants=demo,globex -Dccs.tenant.globex.api-url=https://globex.callcenterstudio.com/api/ -Dconnector.webhook-token=0123456789abcdef0123 -Dconnector.api-key=0123456789abcdef0123 -Dconnector.public-url=https://connector.acme.example",
            // a tenant's setting under a name no tenant has does nothing: the tenant would go on with the connector's webhook token
            "ccs.tenant.globex.webhook_token | -Dccs.tenants=demo,globex -Dccs.tenant.globex.webhook_token=globex-webhook-token-0123",
            "connector.data-dir  | -Dconnector.data-dir=/proc/no-such-dir",
            "connector.broker.memory-mb | -Dconnector.broker.memory-mb=0",
            "ccs.cdr.start       | -Dccs.cdr.start=yesterday",
            // a customer sink's settings, which the shipped settings leave unset: every event would fail, then be dead-lettered
            "crm.call-activity.url | -Dcrm.sink=call-activity",
            "crm.call-activity.token | -Dcrm.sink=call-activity -Dcrm.call-activity.url=https://crm.example.com/api",
            // a probe URL without its scheme has no host: the health check crm-sink was "not probed yet" for good
            "crm.health.probe-url | -Dcrm.sink=call-activity -Dcrm.call-activity.url=https://crm.example.com/api -Dcrm.call-activity.token=call-activity-token-0123 -Dcrm.health.probe-url=crm.example.com:443",
            // a broker URL mistyped: Artemis's own failure named no setting ("key" is null for tcp//host)
            "crm.jms.broker-url  | -Dcrm.jms.broker-url=tcp//127.0.0.1:61616",
            "connector.outbox.broker-url | -Dconnector.outbox.broker-url=tpc://127.0.0.1:61616",
            // no host for Artemis: it connected to localhost:61616, whatever broker listened there
            "crm.jms.broker-url  | -Dcrm.jms.broker-url=tcp:/127.0.0.1:61616",
            "connector.database.url | -Dconnector.cluster=file -Dconnector.cluster.root=target/it-cluster",
            "connector.database.url | -Dconnector.database.url=jdbc:mysql://admin:SECRETDBPASS0005@db/x",
            // a node's state is copied into a shared database, from a node's store
            "connector.database.copy-from | -Dconnector.database.copy-from=target",
            "connector.database.copy-from | -Dconnector.database.url=jdbc:postgresql://127.0.0.1:9/connector -Dconnector.database.copy-from=target/no-such-node",
            // an agent's login holds one connection for its lock and needs another: with one, every login would wait forever
            "connector.database.pool-size | -Dconnector.database.url=jdbc:postgresql://127.0.0.1:9/connector -Dconnector.database.pool-size=1",
            "connector.outbox.broker-url | -Dconnector.cluster=kubernetes -Dconnector.database.url=jdbc:postgresql://127.0.0.1:9/connector"})
    void aWrongSettingStopsStartupWithOneLineNamingTheKey(String key, String options) throws Exception {
        assertStopsNaming(key, Map.of(), options);
    }

    /** A CRM trust store that cannot be opened: the line names the key, never the password (each case: CrmTrustStoreTest). */
    @Test
    void aCrmTrustStoreThatCannotBeOpenedStopsStartupNamingTheKeyNotThePassword() throws Exception {
        SelfSignedCertificate certificate = new SelfSignedCertificate(Path.of("target", "it-crm-tls"));
        assertStopsNaming("crm.rest.trust-store", Map.of(), "-Dcrm.rest.trust-store=target/it-crm-tls/no-such-ca.p12");
        assertStopsNaming("crm.rest.trust-store-password", Map.of(),
                "-Dcrm.rest.trust-store=" + certificate.trustStore() + " -Dcrm.rest.trust-store-password=SECRETDBPASS-not-its-password");
    }

    /** The line says how to make a key: masked as an X-Api-Key header, "X-Api-Key: generate one" read "X-Api-Key: *** one". */
    @Test
    void aMissingApiKeyStopsStartupSayingHowToMakeOne() throws Exception {
        assertThat(assertStopsNaming("connector.api-key", Map.of(),
                "-Dccs.api-url=https://acme.callcenterstudio.com/api/ -Dccs.app-token=acme-app-token -Dconnector.webhook-token=0123456789abcdef0123"))
                .anyMatch(line -> line.contains("generate one, e.g. openssl rand -hex 24, and set CONNECTOR_API_KEY"));
    }

    /** An environment variable of a tenant that ccs.tenants does not list does nothing: startup stops naming it, not its value. */
    @Test
    void anEnvironmentVariableOfATenantNotServedStopsStartupNamingIt() throws Exception {
        assertThat(assertStopsNaming("CCS_TENANT_GLBEX_APP_TOKEN", Map.of("CCS_TENANT_GLBEX_APP_TOKEN", "GLBEXAPPTOKEN0123"),
                "-Dccs.tenants=demo,globex")).noneMatch(line -> line.contains("GLBEXAPPTOKEN0123"));
    }

    /** Started with these settings, the connector stops with exit status 2 and one line naming the key; its output's lines. */
    private static List<String> assertStopsNaming(String key, Map<String, String> environment, String options) throws Exception {
        Path log = Path.of("target", "it-connector-bad-" + key + "-" + Math.abs(options.hashCode()) + ".log");
        List<String> arguments = new ArrayList<>(List.of(options.split(" ")));
        if (!options.contains("-Dcamel.server.port=")) {
            arguments.add("-Dcamel.server.port=" + FreePorts.next());
        }
        if (!options.contains("-Dconnector.data-dir=")) {
            // not the project's own data dir, which a connector started from the project root would share
            arguments.add("-Dconnector.data-dir=target/it-refused-data");
        }
        Process connector = ConnectorProcess.start(log, environment, arguments.toArray(String[]::new));
        assertThat(exitStatus(connector)).isEqualTo(2);
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).filteredOn(line -> line.startsWith("ccs-connector cannot start:")).singleElement()
                .asString().contains("setting " + key + " ");
        assertThat(lines).noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception") || line.contains(" ERROR ")
                || line.contains("SECRETDBPASS"));
        return lines;
    }

    /**
     * The exit status of a connector that should stop by itself, once it did; one that started anyway is killed, so that it
     * holds no port or data dir the next case needs.
     */
    private static int exitStatus(Process connector) throws InterruptedException {
        try {
            assertThat(connector.waitFor(60, TimeUnit.SECONDS)).as("the connector stopped").isTrue();
        } finally {
            connector.destroyForcibly().waitFor();
        }
        return connector.exitValue();
    }
}
