package ccs.connector.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Webhook text whose charset nobody declared: UTF-8 where it is, windows-1254 where a Turkish platform wrote it so. */
class UndeclaredCharsetTest {

    @Test
    void utf8AndTurkishCharsetsAreEachReadAsWhatTheyAre() {
        assertThat(UndeclaredCharset.decode("M%C3%BC%C5%9Fteri+Hizmetleri")).isEqualTo("Müşteri Hizmetleri");
        assertThat(UndeclaredCharset.decode("M%FC%FEteri+Hizmetleri")).isEqualTo("Müşteri Hizmetleri");
    }

    @Test
    void utf8CutInTheMiddleOfALetterStaysUtf8() {
        // a fixed-length field cut after the first byte of a letter: read as windows-1254, every letter was garbled (MÃ¼Återi)
        assertThat(UndeclaredCharset.decode("M%C3%BC%C5%9Fteri+Hizmetleri+%C5")).isEqualTo("Müşteri Hizmetleri \uFFFD");
    }
}
