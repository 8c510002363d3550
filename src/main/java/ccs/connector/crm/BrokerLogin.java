package ccs.connector.crm;

import java.util.Objects;
import java.util.Set;

import ccs.connector.config.SharedSecret;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;

/**
 * The one login of the embedded broker once {@code connector.broker.password} is set: its clients (the connector's own,
 * and those of {@code connector.broker.acceptor}) present {@code connector.broker.username} and that password, and may then
 * do anything; any other client is refused. The password is compared in constant time.
 */
final class BrokerLogin implements ActiveMQSecurityManager {

    private final String username;
    private final SharedSecret password;

    BrokerLogin(String username, String password) {
        this.username = username;
        this.password = new SharedSecret(password);
    }

    @Override
    public boolean validateUser(String user, String presented) {
        // the password is compared whatever the name, so a wrong name takes as long as a wrong password
        boolean passwordMatches = !password.refuses(presented);
        return Objects.equals(username, user) && passwordMatches;
    }

    @Override
    public boolean validateUserAndRole(String user, String presented, Set<Role> roles, CheckType checkType) {
        return validateUser(user, presented);
    }
}
