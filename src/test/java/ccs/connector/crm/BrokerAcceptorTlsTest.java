package ccs.connector.crm;

import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import ccs.connector.support.FreePorts;
import ccs.connector.support.LogCapture;
import ccs.connector.support.SelfSignedCertificate;
import jakarta.jms.Connection;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded broker's acceptor over TLS, as Artemis reads it from {@code connector.broker.acceptor}: a client with the CA in
 * its URL's trust store connects (as the JMS sink does to an external broker over TLS), and the key store's password in the
 * acceptor's URL never reaches the log.
 */
class BrokerAcceptorTlsTest extends ConnectorTestSupport {

    static {
        LogCapture.install();
    }

    private static final String KEY_STORE_PASSWORD = "server-key-password";
    private static final int ACCEPTOR_PORT = FreePorts.next();
    private SelfSignedCertificate certificate;

    @Override
    protected void settings(Properties settings) {
        certificate = new SelfSignedCertificate(dataDir.resolve("tls"));
        settings.setProperty("connector.broker.acceptor", "tcp://127.0.0.1:" + ACCEPTOR_PORT + "?sslEnabled=true&keyStorePath="
                + certificate.keyStore().toAbsolutePath() + "&keyStorePassword=" + KEY_STORE_PASSWORD);
    }

    @Test
    void aClientWithTheCaInItsUrlConnectsAndTheKeyStorePasswordIsNeverLogged() throws Exception {
        ActiveMQConnectionFactory client = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + ACCEPTOR_PORT + "?sslEnabled=true&trustStorePath="
                + certificate.trustStore().toAbsolutePath() + "&trustStorePassword=" + SelfSignedCertificate.TRUST_STORE_PASSWORD);
        try (Connection connection = client.createConnection()) {
            connection.start();
        } finally {
            client.close();
        }
        assertThat(LogCapture.text()).doesNotContain(KEY_STORE_PASSWORD)
                .contains("Embedded ActiveMQ Artemis broker started at vm://0 and tcp://127.0.0.1:" + ACCEPTOR_PORT + "?...");
    }
}
