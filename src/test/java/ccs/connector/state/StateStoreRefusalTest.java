package ccs.connector.state;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;

import ccs.connector.api.ApiErrors;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A statement the database refuses for its values is a fault of the connector, neither repeated nor answered as the database away. */
class StateStoreRefusalTest {

    @Test
    void aBrokenConstraintIsNotRepeatableAndAnswered500NotTheDatabaseAway(@TempDir Path dataDir) throws Exception {
        try (Database store = Database.h2(dataDir)) {
            StateStoreException refused = catchThrowableOfType(StateStoreException.class, () -> store.update(
                    "INSERT INTO CLICK2CALL_CORRELATION (tenant, transaction_id, requested_at) VALUES (?, ?, ?)", "demo", null, Timestamp.from(Instant.now())));
            assertThat(refused.isRepeatable()).isFalse();

            Exchange exchange = new DefaultExchange(new DefaultCamelContext());
            exchange.setProperty(Exchange.EXCEPTION_CAUGHT, refused);
            new ApiErrors().describe(exchange);
            assertThat(exchange.getVariable(ApiErrors.STATUS, Integer.class)).isEqualTo(500);
            assertThat(exchange.getVariable(ApiErrors.RETRY_AFTER)).isNull();
        }
    }
}
