package ccs.connector.session;

import java.time.Duration;

/** An agent's session and how long it may still be handed out from now: the TTL after a login, less for one taken over. */
record SessionLease(String session, Duration lifetime) {
}
