package ccs.connector.click2call;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import ccs.connector.ccs.Tenant;
import ccs.connector.ccs.Tenants;
import ccs.connector.event.InvalidFieldException;
import ccs.connector.screenpop.PhoneNumbers;
import ccs.connector.webhook.WebhookTokens;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The number-format settings Click2callTest (e164) does not start a connector for: each checks the number the same way. */
class Click2callRequestsTest {

    private static final Tenants TENANTS = new Tenants(List.of(new Tenant("demo", "http://127.0.0.1/api/", "t", ZoneId.of("Europe/Istanbul"))), "demo");

    @ParameterizedTest
    @ValueSource(strings = {Click2callRequests.AS_GIVEN, PhoneNumbers.NATIONAL})
    void aNumberWithDigitsBeyondItsNumberingPlanIsRefusedWhateverTheFormat(String format) {
        Click2callRequests requests = requests(format);
        for (String merged : List.of("0532 123 45 67 (5)", "0532 123 45 67 / 8", "0532 123 45 67 / 89", "0 5 3 2 1 2 3 4 5 6 7 8 9")) {
            assertThatThrownBy(() -> requests.check(request(merged))).as(merged).isInstanceOf(InvalidFieldException.class)
                    .hasMessageStartingWith("phoneNumber cannot be dialled: it is not a valid phone number")
                    .satisfies(e -> assertThat(((InvalidFieldException) e).getField()).isEqualTo("phoneNumber"));
        }
        assertThat(requests.check(request("(0532) 123 45 67")).getDialledNumber())
                .isEqualTo(format.equals(Click2callRequests.AS_GIVEN) ? "(0532) 123 45 67" : "05321234567");
    }

    private static Click2callRequests requests(String format) {
        return new Click2callRequests(TENANTS, null, new PhoneNumbers("TR", List.of(PhoneNumbers.E164)), format, "http://localhost:8080",
                new WebhookTokens(new WebhookTokens.Token(WebhookTokens.CONNECTOR_KEY, "token", ""), Map.of()), 4096);
    }

    private static Map<String, Object> request(String phoneNumber) {
        return Map.of("agentEmail", "ayse.yilmaz@demo.example", "phoneNumber", phoneNumber, "transactionId", "t-1");
    }
}
