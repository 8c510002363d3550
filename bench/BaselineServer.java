import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/**
 * The baseline of the webhook intake benchmark: a bare JDK HTTP server (TCP_NODELAY on) that
 * reads the request body and answers 200, nothing else. Run with the JDK's single-file launcher:
 * java -Dsun.net.httpserver.nodelay=true bench/BaselineServer.java PORT
 */
public final class BaselineServer {

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.setExecutor(Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors() * 4));
        byte[] ok = "{\"ok\":true}".getBytes();
        server.createContext("/", exchange -> {
            try (exchange; InputStream body = exchange.getRequestBody()) {
                body.readAllBytes();
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, ok.length);
                exchange.getResponseBody().write(ok);
            }
        });
        server.start();
        System.out.println("baseline listening on " + port);
    }
}
