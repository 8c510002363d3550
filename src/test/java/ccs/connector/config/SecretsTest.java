package ccs.connector.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {

    @Test
    void masksSecretsInQueriesAndJsonAnswers() {
        assertThat(Secrets.mask("GET /api/?function=login&email=a%40b&app_token=abc123&x=1"))
                .isEqualTo("GET /api/?function=login&email=a%40b&app_token=***&x=1");
        assertThat(Secrets.mask("http://h/api/?function=click2call&session=s3cr3t"))
                .isEqualTo("http://h/api/?function=click2call&session=***");
        assertThat(Secrets.mask("/webhooks/ccs/hangup?token=w3bh00k")).isEqualTo("/webhooks/ccs/hangup?token=***");
        assertThat(Secrets.mask("{\"login\":true,\"session\": \"s3cr3t\"}")).isEqualTo("{\"login\":true,\"session\":\"***\"}");
        assertThat(Secrets.mask("GET /api/?function=click2call&hangup_url=http%3A%2F%2Fc%2Fwebhooks%2Fccs%2Fhangup%3Ftoken%3Dw3bh00k%26tenant%3Dacme&session=s"))
                .isEqualTo("GET /api/?function=click2call&hangup_url=http%3A%2F%2Fc%2Fwebhooks%2Fccs%2Fhangup%3Ftoken%3D***&session=***");
        assertThat(Secrets.mask("nothing secret here")).isEqualTo("nothing secret here");
    }

    @Test
    void masksTheWebhookTokenEncodedTwiceAndBearerCredentials() {
        assertThat(Secrets.mask("url=http%253A//c/hangup%253Ftoken%253Dw3bh00k")).isEqualTo("url=http%253A//c/hangup%253Ftoken%253D***");
        assertThat(Secrets.mask("Authorization: Bearer w3bh00k.x-y")).isEqualTo("Authorization: Bearer ***");
        assertThat(Secrets.mask("a_token=kept&tokens=kept")).isEqualTo("a_token=kept&tokens=kept");
        // the quick check before the patterns ignores case and reads to the last character
        assertThat(Secrets.mask("x?SESSION=s3cr3t")).isEqualTo("x?SESSION=***");
        assertThat(Secrets.mask("auth: bEaReR w3bh00k")).isEqualTo("auth: bEaReR ***");
        // a base64 credential with its padding before a quote is no challenge's auth-param (realm="...")
        assertThat(Secrets.mask("sent \"Bearer dzNiaDAwaw=\"")).isEqualTo("sent \"Bearer ***\"");
        assertThat(Secrets.mask("WWW-Authenticate: Bearer realm=\"crm\"")).isEqualTo("WWW-Authenticate: Bearer realm=\"crm\"");
    }

    @Test
    void masksCredentialsAsHttpClientsAndBrokerUrlsPrintThem() {
        assertThat(Secrets.mask("http-outgoing-0 >> Authorization: Basic dXNlcjpwYXNz")).isEqualTo("http-outgoing-0 >> Authorization: Basic ***");
        assertThat(Secrets.mask("http-outgoing-0 >> \"authorization: basic dXNlcjpwYXNz[\\r][\\n]\""))
                .isEqualTo("http-outgoing-0 >> \"authorization: basic ***[\\r][\\n]\"");
        assertThat(Secrets.mask("Authorization: c2VjcmV0LWtleQ==")).isEqualTo("Authorization: ***");
        assertThat(Secrets.mask("tcp://broker:61616?user=crm&password=s3cr3t&ha=true")).isEqualTo("tcp://broker:61616?user=crm&password=***&ha=true");
        assertThat(Secrets.mask("tcp://broker:61617?sslEnabled=true&keyStorePassword=k3y&trustStorePath=/ca.p12&trustStorePassword=tru5t"))
                .isEqualTo("tcp://broker:61617?sslEnabled=true&keyStorePassword=***&trustStorePath=/ca.p12&trustStorePassword=***");
        assertThat(Secrets.mask("connecting to amqp://crm:s3cr3t@broker:5672/x")).isEqualTo("connecting to amqp://crm:***@broker:5672/x");
        assertThat(Secrets.mask("{\"user\":\"crm\",\"Password\":\"s3cr3t\"}")).isEqualTo("{\"user\":\"crm\",\"Password\":\"***\"}");
        // a port is no password, and ordinary words stay
        assertThat(Secrets.mask("http://broker:8161/console, Basic Support queue, passwords=policy"))
                .isEqualTo("http://broker:8161/console, Basic Support queue, passwords=policy");
    }

    @Test
    void masksTheCredentialsOfACrmsUrlsAndHeaders() {
        assertThat(Secrets.mask("POST https://flow.example.net/workflows/1/run?api-version=2016-06-01&sp=%2Ftriggers&sig=Zm9vYmFy&x=1"))
                .isEqualTo("POST https://flow.example.net/workflows/1/run?api-version=2016-06-01&sp=%2Ftriggers&sig=***&x=1");
        assertThat(Secrets.mask("GET /contacts?phone=1&access_token=abc.def&api_key=k3y&apikey=k3y2&client_secret=s&signature=x"))
                .isEqualTo("GET /contacts?phone=1&access_token=***&api_key=***&apikey=***&client_secret=***&signature=***");
        assertThat(Secrets.mask("http-outgoing-1 >> X-Api-Key: 0123456789abcdef and more")).isEqualTo("http-outgoing-1 >> X-Api-Key: *** and more");
        assertThat(Secrets.mask("{\"access_token\":\"abc\",\"X-Api-Key\":\"k\",\"refresh_token\":\"r\"}"))
                .isEqualTo("{\"access_token\":\"***\",\"X-Api-Key\":\"***\",\"refresh_token\":\"***\"}");
        // words that only contain such a name stay
        assertThat(Secrets.mask("design=final&signal=3&assign=me")).isEqualTo("design=final&signal=3&assign=me");
    }

    @Test
    void masksEveryKindOfCredentialInOneTextAndLeavesAUrlWithoutOne() {
        assertThat(Secrets.mask("POST https://crm:pa55w0rd@h.example/x?sig=abc&id=1 X-Api-Key: k3y {\"authorization\":\"Basic x\"}"))
                .isEqualTo("POST https://crm:***@h.example/x?sig=***&id=1 X-Api-Key: *** {\"authorization\":\"***\"}");
        assertThat(Secrets.mask("{\"Authorization\":\"Basic dXNlcjpwYXNz\"}")).isEqualTo("{\"Authorization\":\"***\"}");
        assertThat(Secrets.mask("recording https://h.example/rec/1.wav, token-free")).isEqualTo("recording https://h.example/rec/1.wav, token-free");
    }

    @Test
    void scrubsKnownValuesAndSecretFieldsAtAnyDepth() {
        Secrets secrets = new Secrets(java.util.List.of("w3bh00k-s3cr3t/+", "short"));
        assertThat(secrets.scrub("echo w3bh00k-s3cr3t/+ and w3bh00k-s3cr3t%2F%2B and w3bh00k-s3cr3t%252F%252B, short stays"))
                .isEqualTo("echo *** and *** and ***, short stays");
        assertThat(secrets.scrub(java.util.Map.of("TOKEN", "x", "data", java.util.Map.of("session", "s", "n", 3))))
                .isEqualTo(java.util.Map.of("data", java.util.Map.of("n", 3)));
        assertThat(secrets.scrub(java.util.Map.of("App_Token", "x", "tokenType", "kept")))
                .isEqualTo(java.util.Map.of("tokenType", "kept"));
    }
}
