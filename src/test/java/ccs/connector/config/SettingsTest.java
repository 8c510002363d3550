package ccs.connector.config;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static ccs.connector.support.TestSettings.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {

    @Test
    void durationsReadCamelsShortForms() {
        Settings settings = settings("a", "8h", "b", "90s", "c", "1h30m", "d", "250ms");
        assertThat(settings.duration("a", Duration.ZERO)).isEqualTo(Duration.ofHours(8));
        assertThat(settings.duration("b", Duration.ZERO)).isEqualTo(Duration.ofSeconds(90));
        assertThat(settings.duration("c", Duration.ZERO)).isEqualTo(Duration.ofMinutes(90));
        assertThat(settings.duration("d", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(settings.duration("missing", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aDurationOutsideItsBoundsNamesTheKeyAndTheBounds() {
        Settings settings = settings("ccs.session.ttl", "13h", "short", "30s");
        assertThatThrownBy(() -> settings.duration("ccs.session.ttl", Duration.ofHours(8), Duration.ofMinutes(1), Duration.ofHours(12)))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("ccs.session.ttl").hasMessageContaining("12h");
        assertThatThrownBy(() -> settings.duration("short", Duration.ofHours(8), Duration.ofMinutes(1), Duration.ofHours(12)))
                .hasMessageContaining("short").hasMessageContaining("1m");
        // below a second: in milliseconds, never rounded to 0s
        assertThatThrownBy(() -> settings("crm.lookup.timeout", "50ms").duration("crm.lookup.timeout", Duration.ofSeconds(2),
                Duration.ofMillis(100), Duration.ofMinutes(1)))
                .hasMessage("setting crm.lookup.timeout is 50ms: it must lie between 100ms and 1m0s");
    }

    @Test
    void aWholeNumberBelowItsBoundNamesTheKeyAndTheBound() {
        Settings settings = settings("connector.broker.memory-mb", "0", "retries", "0");
        assertThatThrownBy(() -> settings.integer("connector.broker.memory-mb", 16, 1))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("connector.broker.memory-mb is 0: it must be 1 or more");
        assertThat(settings.integer("retries", 3, 0)).isZero();
        assertThat(settings.integer("missing", 16, 1)).isEqualTo(16);
    }

    @Test
    void unreadableValuesNameTheKeyAndWhatIsExpected() {
        Settings settings = settings("n", "ten", "b", "yes", "z", "Mars/Olympus", "d", "soon");
        assertThatThrownBy(() -> settings.integer("n", 1)).hasMessageContaining("n is 'ten'").hasMessageContaining("whole number");
        assertThatThrownBy(() -> settings.bool("b", false)).hasMessageContaining("true or false");
        assertThatThrownBy(() -> settings.zone("z", null)).hasMessageContaining("Europe/Istanbul");
        assertThatThrownBy(() -> settings.duration("d", Duration.ZERO)).hasMessageContaining("60s");
        // Camel reads an ISO-8601 duration (PT5M) as 0 too
        // a number without its unit (a whole one, or the last part of one) was read as milliseconds
        for (String unreadable : new String[] {"abc", "5x", "-5s", "PT5M", "48", "5m30"}) {
            assertThatThrownBy(() -> settings("d", unreadable).duration("d", Duration.ofSeconds(30))).as(unreadable)
                    .isInstanceOf(InvalidSettingException.class).hasMessageContaining("d is '" + unreadable + "'");
        }
        assertThat(settings("d", "0s").duration("d", Duration.ofSeconds(30))).isZero();
        assertThat(settings("d", "0").duration("d", Duration.ofSeconds(30))).isZero();
        assertThatThrownBy(() -> settings.required("absent")).hasMessageContaining("absent is missing");
    }

    @Test
    void listsAreCommaSeparatedAndTrimmed() {
        assertThat(settings("l", " a@x , b@y,,").list("l", null)).containsExactly("a@x", "b@y");
    }
}
