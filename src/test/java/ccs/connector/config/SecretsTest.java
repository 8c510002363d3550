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
}
