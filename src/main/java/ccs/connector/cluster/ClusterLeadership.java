package ccs.connector.cluster;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this replica leads: the one that runs the singleton work (the {@code master:} routes:
 * CDR polls, backfills, retention timers, the click2call file inbox). Follows the leadership
 * events of the cluster view and logs each change of this replica's role; the gauge
 * {@code ccs_cluster_leader} shows it. A replica that stops (a SIGTERM, a rolling update) leads no more from that moment:
 * its backfill, poll, settle sweep and agent performance runs end after the window, page or day they are on, as a
 * deposed leader's do, rather than asking Call Center Studio for more until the shutdown timeout forces them off.
 */
public final class ClusterLeadership implements CamelClusterEventListener.Leadership {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterLeadership.class);

    private final String cluster;
    private final CamelContext camel;
    private final AtomicBoolean leader = new AtomicBoolean();
    private volatile String leaderId;
    private volatile CamelClusterView view;

    public ClusterLeadership(String cluster, CamelContext camel) {
        this.cluster = cluster;
        this.camel = camel;
    }

    public boolean isLeader() {
        return leader.get() && !camel.isStopping();
    }

    /** The id of the replica that leads (host and process id, or pod name), null while none does or this replica is not told. */
    public String leaderId() {
        return leaderId;
    }

    /** Follows the leadership of {@code view}, this replica's membership of the cluster. */
    public void follow(CamelClusterView view) {
        this.view = view;
        view.addEventListener(this);
    }

    /**
     * This replica's id (its host and process id, its pod's name on Kubernetes; null before it follows a view): the status
     * names the replica that answered, as what it shows of the CRM is what this replica met, and a follower of a file lock
     * is not told who leads.
     */
    public String replicaId() {
        CamelClusterView followed = view;
        return followed == null ? null : followed.getLocalMember().getId();
    }

    /** 1 on the leader, 0 elsewhere (the gauge). */
    public double value() {
        return isLeader() ? 1 : 0;
    }

    @Override
    public void leadershipChanged(CamelClusterView view, CamelClusterMember newLeader) {
        boolean leads = newLeader != null && newLeader.isLocal();
        leaderId = newLeader == null ? null : newLeader.getId();
        if (leader.getAndSet(leads) != leads) {
            if (leads) {
                LOG.info("This replica ({}) took the leadership of cluster {}: it runs the CDR polls, backfills, retention timers and the file inbox",
                        view.getLocalMember().getId(), cluster);
            } else {
                LOG.info("This replica ({}) lost the leadership of cluster {}{}", view.getLocalMember().getId(), cluster,
                        newLeader == null ? "" : " to " + newLeader.getId());
            }
        }
    }
}
