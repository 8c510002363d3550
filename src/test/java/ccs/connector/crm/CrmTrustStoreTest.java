package ccs.connector.crm;

import java.nio.file.Files;
import java.nio.file.Path;

import ccs.connector.config.InvalidSettingException;
import ccs.connector.config.Settings;
import ccs.connector.support.SelfSignedCertificate;
import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.junit.jupiter.api.Test;

import static ccs.connector.support.TestSettings.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** crm.rest.trust-store that cannot be opened stops startup with one line naming the key, never the password (StartupRefusedIT). */
class CrmTrustStoreTest {

    private static final Path DIR = Path.of("target", "test-data", "CrmTrustStoreTest");
    private static final SelfSignedCertificate CERTIFICATE = new SelfSignedCertificate(DIR);

    @Test
    void aTrustStoreOpenedWithItsPasswordIsTheSslContextParametersOfTheCrmsHttpsEndpointsOnly() {
        DefaultRegistry registry = new DefaultRegistry();
        CrmTrustStore.bind(settings("crm.rest.trust-store", CERTIFICATE.trustStore().toString(),
                "crm.rest.trust-store-password", SelfSignedCertificate.TRUST_STORE_PASSWORD), registry);
        assertThat(registry.lookupByNameAndType("crmTrustStore", SSLContextParameters.class).getTrustManagers()).isNotNull();
        CrmTrustStore tls = registry.lookupByNameAndType("crmTls", CrmTrustStore.class);
        assertThat(tls.option("https://crm.acme.example/events")).isEqualTo("&sslContextParameters=#crmTrustStore");
        // Camel's HTTP component would speak TLS to an http CRM given the option
        assertThat(tls.option("http://crm.acme.example/events")).isEmpty();
    }

    @Test
    void withoutATrustStoreNoEndpointChanges() {
        DefaultRegistry registry = new DefaultRegistry();
        CrmTrustStore.bind(settings(), registry);
        assertThat(registry.lookupByNameAndType("crmTrustStore", SSLContextParameters.class)).isNull();
        assertThat(registry.lookupByNameAndType("crmTls", CrmTrustStore.class).option("https://crm.acme.example/events")).isEmpty();
    }

    @Test
    void aMissingFileIsNamedWithWhatToUse() {
        assertRefused(settings("crm.rest.trust-store", DIR.resolve("no-such-ca.p12").toString()),
                "setting crm.rest.trust-store is '" + DIR.resolve("no-such-ca.p12") + "', which is no file the connector can read: use a PKCS12 or "
                        + "JKS file holding the CA certificate of the CRM (keytool -importcert)");
    }

    @Test
    void aFileThatIsNoTrustStoreIsNamed() throws Exception {
        Path pem = Files.writeString(DIR.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> CrmTrustStore.bind(settings("crm.rest.trust-store", pem.toString()), new DefaultRegistry()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("setting crm.rest.trust-store is '" + pem + "', which ")
                .hasMessageEndingWith(": use a PKCS12 or JKS file holding the CA certificate of the CRM (keytool -importcert)");
    }

    @Test
    void aWrongPasswordNamesThePasswordsKeyNeverThePassword() {
        assertRefused(settings("crm.rest.trust-store", CERTIFICATE.trustStore().toString(), "crm.rest.trust-store-password", "WrOnGpAsSwOrD"),
                "setting crm.rest.trust-store-password does not open crm.rest.trust-store '" + CERTIFICATE.trustStore()
                        + "': set the password the file was made with");
    }

    @Test
    void aPasswordLeftUnsetIsNamedWhenTheFileShowsNoCertificateWithoutIt() {
        assertRefused(settings("crm.rest.trust-store", CERTIFICATE.trustStore().toString()),
                "setting crm.rest.trust-store is '" + CERTIFICATE.trustStore() + "', which holds no certificate to be read without "
                        + "crm.rest.trust-store-password: use a PKCS12 or JKS file holding the CA certificate of the CRM (keytool -importcert)");
    }

    private static void assertRefused(Settings settings, String message) {
        assertThatThrownBy(() -> CrmTrustStore.bind(settings, new DefaultRegistry())).isInstanceOf(InvalidSettingException.class)
                .hasMessage(message);
    }
}
