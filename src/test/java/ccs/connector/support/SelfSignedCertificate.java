package ccs.connector.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for 127.0.0.1, as a customer's own CA issues its CRM, made with the JDK's keytool: the server's
 * key pair ({@link #serverTls()}) and a PKCS12 trust store holding the certificate alone ({@link #trustStore()}), as a
 * customer hands the connector.
 */
public final class SelfSignedCertificate {

    public static final String TRUST_STORE_PASSWORD = "trust-store-password-4711";
    private static final String KEY_STORE_PASSWORD = "server-key-password";

    private final Path keyStore;
    private final Path trustStore;

    public SelfSignedCertificate(Path dir) {
        keyStore = dir.resolve("crm-server.p12");
        trustStore = dir.resolve("crm-ca.p12");
        Path certificate = dir.resolve("crm.cer");
        try {
            Files.createDirectories(dir);
            for (Path old : List.of(keyStore, trustStore, certificate)) {
                Files.deleteIfExists(old);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        keytool("-genkeypair", "-alias", "crm", "-keyalg", "RSA", "-keysize", "2048", "-validity", "30", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", KEY_STORE_PASSWORD);
        keytool("-exportcert", "-alias", "crm", "-keystore", keyStore.toString(), "-storepass", KEY_STORE_PASSWORD,
                "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", "crm-ca", "-file", certificate.toString(), "-storetype", "PKCS12",
                "-keystore", trustStore.toString(), "-storepass", TRUST_STORE_PASSWORD);
    }

    /** The PKCS12 file holding the certificate (password {@link #TRUST_STORE_PASSWORD}). */
    public Path trustStore() {
        return trustStore;
    }

    /** The PKCS12 file of the server's key and certificate (password {@code server-key-password}). */
    public Path keyStore() {
        return keyStore;
    }

    /** The server's side: its key and certificate. */
    public SSLContext serverTls() {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, KEY_STORE_PASSWORD.toCharArray());
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keys, KEY_STORE_PASSWORD.toCharArray());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(factory.getKeyManagers(), null, null);
            return tls;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void keytool(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException("keytool " + arguments[0] + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
