package ccs.connector.api;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Webhook text whose charset nobody declared: an IVR notification's query string (a query cannot declare one) and a form
 * whose {@code Content-Type} names no charset. It is UTF-8 where its bytes are UTF-8, else windows-1254: an older Turkish
 * platform writes its %-escapes ({@code ş} as {@code %FE}) or raw bytes in ISO-8859-9 or windows-1254, which agree on every
 * Turkish letter. Read as UTF-8, each such letter became U+FFFD: the CRM got {@code M��teri} for a queue name, and two
 * notifications of a call differing only in a Turkish letter had one event id, the second dropped as a repeat.
 */
public final class UndeclaredCharset {

    static final Charset TURKISH = Charset.forName("windows-1254");

    private UndeclaredCharset() {
    }

    /**
     * One URL-encoded name or value, {@code +} a space: its %-escapes and raw bytes (characters up to U+00FF, one a byte, as the
     * HTTP server hands a query on) read as one text. A {@code %} not followed by two hex digits is an IllegalArgumentException.
     */
    public static String decode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                int high = i + 2 < encoded.length() ? Character.digit(encoded.charAt(i + 1), 16) : -1;
                int low = high < 0 ? -1 : Character.digit(encoded.charAt(i + 2), 16);
                if (low < 0) {
                    throw new IllegalArgumentException("a % must be followed by two hex digits");
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else if (c <= 0xFF) {
                bytes.write(c);
            } else {
                // not a byte: a text the server read already, taken as it is
                int codePoint = encoded.codePointAt(i);
                bytes.writeBytes(Character.toString(codePoint).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint) - 1;
            }
        }
        return text(bytes.toByteArray());
    }

    /**
     * The bytes as UTF-8 where they are UTF-8, else as windows-1254. Text with a UTF-8 letter in it and a byte that is not
     * (a value cut in the middle of a letter, as fixed-length fields are) stays UTF-8, that byte U+FFFD: read as
     * windows-1254, its every Turkish letter would be garbled.
     */
    static String text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException notUtf8) {
            return new String(bytes, holdsUtf8Letter(bytes) ? StandardCharsets.UTF_8 : TURKISH);
        }
    }

    /** Whether the bytes hold a well-formed UTF-8 sequence of two to four bytes (a Turkish letter in windows-1254 is one byte). */
    private static boolean holdsUtf8Letter(byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            int lead = bytes[i] & 0xFF;
            int following = lead >= 0xC2 && lead <= 0xDF ? 1 : lead >= 0xE0 && lead <= 0xEF ? 2 : lead >= 0xF0 && lead <= 0xF4 ? 3 : 0;
            if (following > 0 && i + following < bytes.length && continuations(bytes, i + 1, following)) {
                return true;
            }
        }
        return false;
    }

    private static boolean continuations(byte[] bytes, int from, int count) {
        for (int i = from; i < from + count; i++) {
            if ((bytes[i] & 0xC0) != 0x80) {
                return false;
            }
        }
        return true;
    }
}
