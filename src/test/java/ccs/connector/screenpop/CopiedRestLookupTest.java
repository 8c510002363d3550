package ccs.connector.screenpop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import ccs.connector.support.ConnectorTestSupport;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A customer's lookup made as the README says, a copy of crm-lookup-rest, with crm.lookup.url left unset: a screen pop says
 * which setting is missing, where it was a 500 saying the connector failed.
 */
class CopiedRestLookupTest extends ConnectorTestSupport {

    @Override
    protected void settings(Properties settings) {
        try {
            Path copy = Files.createDirectories(Path.of("target", "copied-lookup")).resolve("crm-lookup-acme.camel.yaml");
            Files.writeString(copy, Files.readString(Path.of("routes/customer/crm-lookup-rest.camel.yaml")).replace("crm-lookup-rest", "crm-lookup-acme"));
            settings.setProperty("camel.main.routes-include-pattern", "file:routes/**/*.camel.yaml,file:" + copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        settings.setProperty("crm.lookup", "acme");
    }

    @Test
    void aScreenPopNamesTheUnsetUrlTheCopyReads() throws Exception {
        HttpResponse<String> answer = get("/api/v1/screen-pop?phone=05321234567");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(502);
        assertThat(new ObjectMapper().readTree(answer.body()).get("detail").asText())
                .startsWith("setting crm.lookup.url, which the lookup route of crm.lookup reads (bean crmLookupUrl), is not an http(s) URL");
    }
}
