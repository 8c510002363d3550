package ccs.connector.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free TCP ports for the servers a test starts (the connector, a broker, a database), taken below the kernel's range of
 * ephemeral ports (32768-60999 on Linux): a port probed free there may be given to another socket (a test's CRM server
 * bound to port 0, an outgoing connection) before the server binds it, and the server then does not start
 * (AgentLinksTest's connector did, once, in a full run). Each port is handed out once per JVM, from a random start so
 * that JVMs running side by side rarely probe the same ones.
 */
public final class FreePorts {

    private static final int FIRST = 20000;
    private static final int COUNT = 12000;
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(COUNT));

    private FreePorts() {
    }

    /** A port free now, and not handed out before in this JVM. */
    public static int next() {
        for (int tried = 0; tried < COUNT; tried++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), COUNT);
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(port));
                return port;
            } catch (IOException taken) {
                // in use: the next one
            }
        }
        throw new IllegalStateException("no free port from " + FIRST + " to " + (FIRST + COUNT - 1));
    }
}
