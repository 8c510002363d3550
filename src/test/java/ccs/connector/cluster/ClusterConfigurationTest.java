package ccs.connector.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import ccs.connector.config.InvalidSettingException;
import ccs.connector.config.StartupChecks;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.cluster.LeaseResourceType;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static ccs.connector.support.TestSettings.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How connector.cluster picks the cluster service behind the master: routes (no Kubernetes cluster here: its wiring). */
class ClusterConfigurationTest {

    @Test
    void kubernetesElectsThroughALeaseNamedAfterTheClusterAmongThePodsOfTheDeployment() {
        CamelClusterService service = ClusterConfiguration.clusterService(settings("connector.cluster", "kubernetes",
                "connector.cluster.name", "acme-connector"));

        assertThat(service).isInstanceOf(KubernetesClusterService.class);
        KubernetesClusterService kubernetes = (KubernetesClusterService) service;
        assertThat(kubernetes.getLeaseResourceType()).isEqualTo(LeaseResourceType.Lease);
        assertThat(kubernetes.getKubernetesResourceName()).isEqualTo("acme-connector");
        assertThat(kubernetes.getClusterLabels()).isEqualTo(Map.of("app", "acme-connector"));
        assertThat(kubernetes.getLeaseDurationMillis()).as("a new leader within 30 s of a lost one").isLessThanOrEqualTo(15_000);
        assertThat(kubernetes.getKubernetesNamespace()).as("the pod's own namespace").isNull();
    }

    @Test
    void fileLocksUnderTheSharedRootPerClusterNameAndNoneLeadsAlone() {
        CamelClusterService file = ClusterConfiguration.clusterService(settings("connector.cluster", "file",
                "connector.cluster.root", "/shared/locks"));
        assertThat(file).isInstanceOf(FileLockClusterService.class);
        assertThat(((FileLockClusterService) file).getRoot()).isEqualTo("/shared/locks/ccs-connector");
        assertThat(file.getId()).as("the replica's name in the leadership lines").endsWith("-" + ProcessHandle.current().pid());

        assertThat(ClusterConfiguration.clusterService(settings())).isInstanceOf(SoleNodeClusterService.class);
    }

    @Test
    void theSoleNodeLeadsAtOnceAndSaysSo() throws Exception {
        DefaultCamelContext camel = new DefaultCamelContext();
        SoleNodeClusterService service = new SoleNodeClusterService();
        service.setCamelContext(camel);
        ClusterLeadership leadership = new ClusterLeadership("ccs-connector", camel);
        service.getView(ClusterConfiguration.NAMESPACE).addEventListener(leadership);
        assertThat(leadership.isLeader()).isFalse();

        service.start();

        assertThat(leadership.isLeader()).isTrue();
        assertThat(leadership.value()).isEqualTo(1.0);
        service.stop();
    }

    @Test
    void aClusterOnTheEmbeddedStateStoreOrOutboxStopsStartupNamingTheKey() {
        assertThatThrownBy(() -> startupChecks("connector.cluster", "file", "connector.cluster.root", "target"))
                .isInstanceOf(InvalidSettingException.class).hasMessageStartingWith("setting connector.database.url ");
        assertThatThrownBy(() -> startupChecks("connector.cluster", "kubernetes",
                "connector.database.url", "jdbc:postgresql://db:5432/connector"))
                .hasMessageStartingWith("setting connector.outbox.broker-url ").hasMessageContaining("vm://0");
        assertThatThrownBy(() -> startupChecks("connector.cluster", "zookeeper"))
                .hasMessageStartingWith("setting connector.cluster ");
        assertThatThrownBy(() -> startupChecks("connector.cluster", "kubernetes", "connector.database.url",
                "jdbc:postgresql://db:5432/connector", "connector.outbox.broker-url", "tcp://artemis:61616"))
                .as("the file sink's default directory, in the replica's own data dir").hasMessageStartingWith("setting crm.file.dir ");
        assertThatThrownBy(() -> startupChecks("connector.cluster", "kubernetes", "connector.database.url",
                "jdbc:postgresql://db:5432/connector", "connector.outbox.broker-url", "tcp://artemis:61616", "crm.sink", "jms"))
                .as("the JMS sink's default broker, inside the replica").hasMessageStartingWith("setting crm.jms.broker-url ");
        startupChecks("connector.cluster", "kubernetes", "connector.database.url", "jdbc:postgresql://db:5432/connector",
                "connector.outbox.broker-url", "tcp://artemis:61616", "crm.sink", "jms", "crm.jms.broker-url", "tcp://artemis:61616");
        startupChecks("connector.cluster", "kubernetes", "connector.database.url", "jdbc:postgresql://db:5432/connector",
                "connector.outbox.broker-url", "tcp://artemis:61616", "crm.file.dir", "/shared/crm-out");
    }

    @Test
    void everySingletonRouteStartsFromTheLeaderNamespace() throws Exception {
        List<String> singletons = List.of("timer:cdr-poll", "timer:cdr-backfill-resume", "timer:ccs-correlation-retention",
                "timer:crm-dedupe-retention", "timer:cdr-settle", "file:{{crm.click2call.inbox}}\"",
                "sql:SELECT id, kind, letter, failed_at FROM DEAD_LETTER");
        String routes;
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            routes = String.join("\n", files.filter(Files::isRegularFile).map(ClusterConfigurationTest::read).toList());
        }
        assertThat(singletons).allSatisfy(from -> assertThat(routes).contains("uri: \"master:leader:" + from)
                .doesNotContain("uri: \"" + from));
    }

    /**
     * The startup checks of these settings, on any free port and with a data dir under target/: the checks try the port
     * and write into the data dir (the shipped ones, port 8080 and ./data, are not the test's).
     */
    private static void startupChecks(String... keysAndValues) {
        List<String> all = new ArrayList<>(List.of("camel.server.port", "0", "connector.data-dir", "target/test-data/ClusterConfigurationTest"));
        all.addAll(List.of(keysAndValues));
        StartupChecks.check(settings(all.toArray(String[]::new)));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
