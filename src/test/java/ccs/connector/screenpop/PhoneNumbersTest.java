package ccs.connector.screenpop;

import java.util.List;

import ccs.connector.api.NotFoundException;
import ccs.connector.config.InvalidSettingException;
import ccs.connector.event.InvalidFieldException;
import ccs.connector.screenpop.PhoneNumbers.Candidate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static ccs.connector.support.TestSettings.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PhoneNumbersTest {

    private static final List<String> ALL_FORMATS = List.of("e164", "national", "digits", "last10", "last7");
    private final PhoneNumbers turkey = new PhoneNumbers("TR", ALL_FORMATS);
    private final PhoneNumbers unitedStates = new PhoneNumbers("US", ALL_FORMATS);

    @ParameterizedTest
    @ValueSource(strings = {"05321234567", "0532 123 45 67", "(0532) 123-45-67", "532 123 4567", "+90 532 123 45 67",
            "+905321234567", "00905321234567", "905321234567", " 0532 123 45 67 ", "+90 532 123 45 67 ext. 89", "05321234567;ext=89"})
    void turkishNumbersWrittenAnyWayBecomeOneE164(String written) {
        assertThat(turkey.e164(written)).isEqualTo("+905321234567");
    }

    @Test
    void aTurkishNumberIsTriedInEveryFormatInTheConfiguredOrder() {
        assertThat(turkey.candidates("0532 123 45 67")).containsExactly(
                new Candidate("e164", "+905321234567"),
                new Candidate("national", "05321234567"),
                new Candidate("digits", "905321234567"),
                new Candidate("last10", "5321234567"),
                new Candidate("last7", "1234567"));
    }

    @Test
    void theOrderAndChoiceOfFormatsIsTheSettings() {
        assertThat(new PhoneNumbers("TR", List.of("last7", "national")).candidates("+90 212 444 55 66"))
                .extracting(Candidate::value).containsExactly("4445566", "02124445566");
    }

    @Test
    void aForeignNumberIsWrittenNationallyAsDialledFromTheDefaultRegion() {
        assertThat(turkey.candidates("+49 30 12345678")).startsWith(
                new Candidate("e164", "+493012345678"), new Candidate("national", "00493012345678"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"(415) 555-2671", "415.555.2671", "+1 415 555 2671", "1-415-555-2671", "011 1 415 555 2671", "415-555-2671 x204"})
    void anotherDefaultRegionReadsItsOwnNationalWritings(String written) {
        assertThat(unitedStates.e164(written)).isEqualTo("+14155552671");
    }

    @Test
    void inTheUnitedStatesADialledNumberCarriesTheOneSoNationalAndDigitsCoincideAndAreTriedOnce() {
        assertThat(unitedStates.candidates("(415) 555-2671")).containsExactly(
                new Candidate("e164", "+14155552671"),
                new Candidate("national", "14155552671"),
                new Candidate("last10", "4155552671"),
                new Candidate("last7", "5552671"));
    }

    @Test
    void aShortNumberSkipsTheLastDigitsFormatsItCannotFill() {
        assertThat(new PhoneNumbers("TR", List.of("e164", "last15")).candidates("05321234567"))
                .containsExactly(new Candidate("e164", "+905321234567"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"anonymous", "Anonymous", "UNKNOWN", "private", "Restricted", "unavailable", "withheld", "", "  ",
            "Gizli Numara", "GİZLİ NUMARA", "GIZLI", "Bilinmeyen Numara"})
    void withheldNumbersAreNotFoundWithoutALookup(String written) {
        assertThatThrownBy(() -> turkey.candidates(written)).isInstanceOf(NotFoundException.class)
                .hasMessageContaining("withheld");
    }

    @ParameterizedTest
    // an X read as a number would be the keypad's 9: 0532 999 45 67, another customer
    @ValueSource(strings = {"0532***4567", "0532 XXX 45 67", "0532xxx4567", "0532 \u2022\u2022\u2022 45 67", "0532...4567", "0532\u20264567",
            "0532 ### 45 67"})
    void maskedNumbersAskForTheActiveCallKey(String written) {
        assertThat(turkey.masked(written)).isTrue();
        assertThatThrownBy(() -> turkey.candidates(written)).isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("masked").hasMessageContaining("activecallkey");
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello", "901", "12", "+90 532 123 45 67 89 01 23", "<script>"})
    void whatIsNotAPhoneNumberIsABadRequestThatDoesNotRepeatTheInput(String written) {
        assertThatThrownBy(() -> turkey.candidates(written)).isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("not a phone number").hasMessageContaining("TR")
                .hasMessageNotContaining(written);
    }

    @Test
    void unknownFormatsAndRegionsStopStartupNamingTheKey() {
        assertThatThrownBy(() -> PhoneNumbers.from(settings("crm.lookup.formats", "e164,local")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("crm.lookup.formats").hasMessageContaining("'local'");
        assertThatThrownBy(() -> PhoneNumbers.from(settings("crm.lookup.formats", "last3")))
                .hasMessageContaining("crm.lookup.formats");
        assertThatThrownBy(() -> PhoneNumbers.from(settings("crm.lookup.default-region", "Turkey")))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("crm.lookup.default-region");
        assertThat(PhoneNumbers.from(settings("crm.lookup.default-region", "de")).region()).isEqualTo("DE");
    }
}
