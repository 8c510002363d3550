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
 * (AgentLinksTest's connector did, once, in a full run). Each port is handed out once per JVM. The build runs the test
 * classes in several JVMs side by side (system properties test.forks and test.fork, 1 up to test.forks): each hands out
 * ports from its own part of the range, so that a port one class leaves unbound on purpose (a broker that is down) is
 * never the port of another class's server; within it, from a random start.
 */
public final class FreePorts {

    private static final int COUNT = 12000 / Integer.getInteger("test.forks", 1);
    private static final int FIRST = 20000 + (Integer.getInteger("test.fork", 1) - 1) * COUNT;
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
