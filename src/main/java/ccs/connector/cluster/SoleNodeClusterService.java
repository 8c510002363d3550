package ccs.connector.cluster;

import java.util.List;
import java.util.Optional;

import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterView;

/**
 * The cluster service of {@code connector.cluster=none}: one node, always its own leader, so the
 * {@code master:} routes run at once and nothing is elected.
 */
public final class SoleNodeClusterService extends AbstractCamelClusterService<SoleNodeClusterService.View> {

    public SoleNodeClusterService() {
        super("sole-node");
    }

    @Override
    protected View createView(String namespace) {
        return new View(this, namespace);
    }

    /** A view whose only member, this node, leads. */
    static final class View extends AbstractCamelClusterView {

        private final CamelClusterMember self = new CamelClusterMember() {
            @Override
            public boolean isLeader() {
                return true;
            }

            @Override
            public boolean isLocal() {
                return true;
            }

            @Override
            public String getId() {
                return "sole-node";
            }
        };

        View(CamelClusterService service, String namespace) {
            super(service, namespace);
        }

        @Override
        public Optional<CamelClusterMember> getLeader() {
            return Optional.of(self);
        }

        @Override
        public CamelClusterMember getLocalMember() {
            return self;
        }

        @Override
        public List<CamelClusterMember> getMembers() {
            return List.of(self);
        }

        @Override
        protected void doStart() {
            fireLeadershipChangedEvent(self);
        }
    }
}
