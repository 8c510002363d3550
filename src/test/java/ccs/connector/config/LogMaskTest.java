package ccs.connector.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LogMaskTest {

    @Test
    void phoneNumbersArePartlyMaskedUnlessTurnedOff() {
        assertThat(new LogMask(true).phone("05321234567")).isEqualTo("0532****567");
        assertThat(new LogMask(true).phone("+905321234567")).isEqualTo("+905******567");
        assertThat(new LogMask(true).phone("901")).isEqualTo("***");
        assertThat(new LogMask(true).phone(null)).isNull();
        assertThat(new LogMask(false).phone("05321234567")).isEqualTo("05321234567");
    }
}
