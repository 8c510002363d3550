package ccs.connector.crm;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import ccs.connector.event.CloudEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ccs.connector.support.ConnectorTestSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The REST sink against a CRM that closes its connection in the middle of its answer, after the status: the status is the
 * CRM's verdict on the event, whatever became of the rest.
 */
class RestSinkCutAnswerTest extends ConnectorTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private CuttingCrm crm;

    @Override
    protected void settings(Properties settings) {
        try {
            crm = new CuttingCrm();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        settings.setProperty("crm.sink", "rest");
        settings.setProperty("crm.rest.url", "http://127.0.0.1:" + crm.port() + "/events");
        crmRetries(settings, 3, "1s");
    }

    @AfterEach
    void stopCrm() throws IOException {
        crm.close();
    }

    @Test
    void a2xxWhoseAnswerIsCutShortIsDeliveredOnceAndARefusalCutShortIsStillARefusal() throws Exception {
        CloudEvent accepted = hangupEvent("rest-2xx-cut-short");
        publish(accepted);
        CloudEvent refused = hangupEvent("rest-400-cut-short");
        publish(refused);

        await().atMost(PATIENCE).until(() -> deadLetters().containsKey(refused.getId()));
        // the next event behind both gets through, so the first had its outcome long before
        CloudEvent next = hangupEvent("rest-next-after-cut-short");
        publish(next);
        await().atMost(PATIENCE).until(() -> crm.requests().contains(next.getId()));

        // the CRM said 201: delivered, not sent again for the body that did not come
        assertThat(crm.requests()).filteredOn(accepted.getId()::equals).hasSize(1);
        assertThat(deadLetters()).doesNotContainKey(accepted.getId());
        // the CRM said 400: dead-lettered with what came of its reason, once
        assertThat(crm.requests()).filteredOn(refused.getId()::equals).hasSize(1);
        assertThat(deadLetters().get(refused.getId()).get("reason").asText()).contains("HTTP 400").contains("phone is requi");
    }

    /**
     * A CRM on a plain socket: it answers 201 (or 400 to an event whose id holds "400") with a Content-Length longer than
     * what it sends, then closes the connection; other events get a whole 200. Records each request's Idempotency-Key.
     */
    private static final class CuttingCrm implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<String> requests = new CopyOnWriteArrayList<>();

        CuttingCrm() throws IOException {
            Thread acceptor = new Thread(this::serve, "cutting-crm");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        List<String> requests() {
            return List.copyOf(requests);
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    InputStream in = new BufferedInputStream(socket.getInputStream());
                    OutputStream out = socket.getOutputStream();
                    while (true) {
                        String key = readRequest(in);
                        if (key == null) {
                            break;
                        }
                        requests.add(key);
                        if (key.contains("cut-short")) {
                            String status = key.contains("400") ? "400 Bad Request" : "201 Created";
                            String start = key.contains("400") ? "{\"error\": \"phone is requi" : "{\"accepted\": true, \"id\": \"12";
                            out.write(("HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n" + start)
                                    .getBytes(StandardCharsets.UTF_8));
                            out.flush();
                            break;
                        }
                        out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                } catch (IOException e) {
                    // closed, or the client went away
                }
            }
        }

        /** The request's Idempotency-Key once the whole request is read; null at the end of the connection. */
        private static String readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int next = in.read();
                if (next < 0) {
                    return null;
                }
                head.write(next);
                matched = (next == "\r\n\r\n".charAt(matched)) ? matched + 1 : (next == '\r' ? 1 : 0);
            }
            String key = "";
            int length = 0;
            for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                } else if (lower.startsWith("idempotency-key:")) {
                    key = line.substring(16).trim();
                }
            }
            in.readNBytes(length);
            return key;
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
