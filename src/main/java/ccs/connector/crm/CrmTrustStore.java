package ccs.connector.crm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Collections;

import ccs.connector.config.InvalidSettingException;
import ccs.connector.config.Settings;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * The CAs a CRM over HTTPS is trusted by, bean {@code crmTls}: {@code crm.rest.trust-store}, a PKCS12 or JKS file holding the
 * CA that signed the CRM's certificate (a customer's own PKI, or the certificate itself when self-signed), opened with
 * {@code crm.rest.trust-store-password}. It becomes the {@code sslContextParameters} of the CRM's https endpoints only
 * (routes crm-http-send and crm-lookup-rest: {@link #option}), so that Call Center Studio's keep the JVM's CAs, which a
 * JVM-wide {@code javax.net.ssl.trustStore} would replace. Unset, every endpoint is as before.
 */
public final class CrmTrustStore {

    public static final String TRUST_STORE = "crm.rest.trust-store";
    public static final String TRUST_STORE_PASSWORD = "crm.rest.trust-store-password";
    private static final String PARAMETERS = "crmTrustStore";

    private final boolean set;

    private CrmTrustStore(boolean set) {
        this.set = set;
    }

    /**
     * Binds bean {@code crmTls}, and the trust store's {@code crmTrustStore} when one is set; one that cannot be opened stops
     * startup naming the key, never the password.
     */
    public static void bind(Settings settings, Registry registry) {
        String file = settings.string(TRUST_STORE, null);
        if (file != null) {
            KeyStoreParameters keyStore = new KeyStoreParameters();
            keyStore.setKeyStore(load(Path.of(file), settings.string(TRUST_STORE_PASSWORD, "")));
            TrustManagersParameters trust = new TrustManagersParameters();
            trust.setKeyStore(keyStore);
            SSLContextParameters parameters = new SSLContextParameters();
            parameters.setTrustManagers(trust);
            registry.bind(PARAMETERS, parameters);
        }
        registry.bind("crmTls", new CrmTrustStore(file != null));
    }

    /**
     * The endpoint option that ends the URI of an HTTP endpoint of the CRM, {@code &sslContextParameters=#crmTrustStore}, for an
     * https URL while a trust store is set; else none (an empty text). Never for an http URL: Camel's HTTP component speaks
     * TLS to any endpoint that has the option.
     */
    public String option(String url) {
        return set && url.regionMatches(true, 0, "https:", 0, 6) ? "&sslContextParameters=#" + PARAMETERS : "";
    }

    private static KeyStore load(Path file, String password) {
        String use = ": use a PKCS12 or JKS file holding the CA certificate of the CRM (keytool -importcert)";
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new InvalidSettingException(TRUST_STORE, "is '" + file + "', which is no file the connector can read" + use);
        }
        KeyStore store;
        try {
            // the type is read from the file: PKCS12 or JKS
            store = KeyStore.getInstance(file.toFile(), password.isEmpty() ? null : password.toCharArray());
            // a key pair's certificate is trusted too (a self-signed CRM's own key store)
            for (String alias : Collections.list(store.aliases())) {
                if (store.getCertificate(alias) != null) {
                    return store;
                }
            }
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException) {
                throw new InvalidSettingException(TRUST_STORE_PASSWORD, "does not open " + TRUST_STORE + " '" + file
                        + "': set the password the file was made with");
            }
            throw new InvalidSettingException(TRUST_STORE, "is '" + file + "', which cannot be read (" + e.getMessage() + ")" + use);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidSettingException(TRUST_STORE, "is '" + file + "', which is no trust store (" + e.getMessage() + ")" + use);
        }
        // a PKCS12 file read without its password shows no certificate either
        throw new InvalidSettingException(TRUST_STORE, "is '" + file + "', which holds no certificate"
                + (password.isEmpty() ? " to be read without " + TRUST_STORE_PASSWORD : "") + use);
    }
}
