package ccs.connector.cluster;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import ccs.connector.config.Metrics;
import ccs.connector.config.Settings;
import io.micrometer.core.instrument.Gauge;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.cluster.LeaseResourceType;

/**
 * Picks the replica that runs the singleton work: every route that must run on one replica only
 * starts from {@code master:leader:<endpoint>}, and the {@code master} component finds the cluster
 * service added here to the context ({@code camel-main} has no {@code camel.cluster.*} keys).
 * {@code connector.cluster}: {@code none} (one node, always the leader), {@code file} (a lock under
 * {@code connector.cluster.root}, a directory every replica shares) or {@code kubernetes} (a Lease
 * {@code <connector.cluster.name>-leader} in the pod's namespace). Binds {@code leadership} and the
 * gauge {@code ccs_cluster_leader}.
 */
public class ClusterConfiguration implements CamelConfiguration {

    /** The namespace of every {@code master:} route: one leader for all singleton work. */
    public static final String NAMESPACE = "leader";

    @Override
    public void configure(CamelContext camel) throws Exception {
        Settings settings = Settings.of(camel);
        CamelClusterService service = clusterService(settings);
        service.setCamelContext(camel);
        camel.addService(service);
        ClusterLeadership leadership = new ClusterLeadership(settings.string("connector.cluster.name", "ccs-connector"), camel);
        leadership.follow(service.getView(NAMESPACE));
        camel.getRegistry().bind("leadership", leadership);

        Metrics.onceStarted(camel, metrics -> Gauge.builder("ccs.cluster.leader", leadership, ClusterLeadership::value)
                .description("1 on the replica that runs the singleton work, 0 on the others").register(metrics));
    }

    /** How this replica is named in the leadership log lines: its host (the pod's name on Kubernetes) and process id. */
    private static String memberId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "localhost";
            }
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    /** The cluster service that {@code connector.cluster} names (checked at startup to be none, file or kubernetes). */
    static CamelClusterService clusterService(Settings settings) {
        String name = settings.string("connector.cluster.name", "ccs-connector");
        return switch (settings.string("connector.cluster", "none")) {
            case "file" -> {
                FileLockClusterService file = new FileLockClusterService();
                file.setId(memberId());
                file.setRoot(Path.of(settings.required("connector.cluster.root")).toAbsolutePath().resolve(name).toString());
                // the leader writes a heartbeat every second; followers take over once it is 5 beats old (about 5-7 s after a kill -9)
                file.setAcquireLockDelay(1, TimeUnit.SECONDS);
                file.setAcquireLockInterval(1, TimeUnit.SECONDS);
                file.setHeartbeatTimeoutMultiplier(5);
                yield file;
            }
            case "kubernetes" -> {
                KubernetesClusterService kubernetes = new KubernetesClusterService();
                kubernetes.setLeaseResourceType(LeaseResourceType.Lease);
                kubernetes.setKubernetesResourceName(name);
                // only pods of this deployment (label app=<name>) are members; the pod's namespace is the client's default
                kubernetes.setClusterLabels(Map.of("app", name));
                kubernetes.setLeaseDurationMillis(15_000);
                kubernetes.setRenewDeadlineMillis(10_000);
                kubernetes.setRetryPeriodMillis(2_000);
                yield kubernetes;
            }
            default -> new SoleNodeClusterService();
        };
    }
}
