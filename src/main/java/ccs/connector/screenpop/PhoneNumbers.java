package ccs.connector.screenpop;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ccs.connector.api.NotFoundException;
import ccs.connector.config.InvalidSettingException;
import ccs.connector.config.Settings;
import ccs.connector.event.InvalidFieldException;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * Reads callers' numbers with libphonenumber under a default region ({@code crm.lookup.default-region})
 * and writes them in the lookup formats of {@code crm.lookup.formats}, for CRMs that only match a
 * number written exactly as they store it:
 * <ul>
 *   <li>{@code e164}: {@code +905321234567}</li>
 *   <li>{@code national}: as dialled in the default region, digits only: {@code 05321234567}
 *       (a foreign number with the international prefix: {@code 00493012345678})</li>
 *   <li>{@code digits}: E.164 without the plus: {@code 905321234567}</li>
 *   <li>{@code lastN}: the last N digits, e.g. {@code last10}: {@code 5321234567}</li>
 * </ul>
 * Extensions are dropped: a contact is found by the number, not by the desk behind it.
 */
public final class PhoneNumbers {

    /** One way of writing the caller's number, tried as one lookup. */
    public record Candidate(String format, String value) {
    }

    public static final String E164 = "e164";
    public static final String NATIONAL = "national";
    public static final String DIGITS = "digits";
    private static final Pattern LAST_DIGITS = Pattern.compile("last([4-9]|1[0-5])");
    /**
     * How a softphone or platform hides digits: *, #, a bullet, an ellipsis, X or dots in a row (a single x may mark an
     * extension). Read as a number, an X would be the keypad's 9 and 0532 XXX 45 67 another customer's number.
     */
    private static final Pattern MASK = Pattern.compile("[*#\u2022\u2026]|[xX]{2,}|\\.\\.");
    /**
     * A caller's number sent in a URL with its {@code +} not encoded ({@code ?phone=+4930...}, as softphone link
     * templates often do) arrives with a space for it; read as a national number of the default region, a foreign
     * caller would be looked up as another number.
     */
    private static final Pattern PLUS_SENT_UNENCODED = Pattern.compile(" [1-9][0-9 ()./-]*");
    /** What platforms and carriers put in place of a number the caller withholds, in English and in Turkish. */
    private static final Set<String> WITHHELD = Set.of("anonymous", "unknown", "private", "restricted", "unavailable",
            "withheld", "hidden", "gizli", "gizli numara", "numara gizli", "bilinmeyen", "bilinmeyen numara", "bilinmiyor");

    private final PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    private final String region;
    private final List<String> formats;

    public PhoneNumbers(String region, List<String> formats) {
        this.region = region;
        this.formats = List.copyOf(formats);
    }

    /** Reads and checks {@code crm.lookup.default-region} and {@code crm.lookup.formats}. */
    public static PhoneNumbers from(Settings settings) {
        String region = region(settings, "crm.lookup.default-region");
        List<String> formats = settings.list("crm.lookup.formats", List.of(E164, NATIONAL, DIGITS, "last10"));
        for (String format : formats) {
            if (!known(format)) {
                throw new InvalidSettingException("crm.lookup.formats", "names '" + format
                        + "': use e164, national, digits or lastN with N from 4 to 15 (e.g. last10)");
            }
        }
        if (formats.isEmpty()) {
            throw new InvalidSettingException("crm.lookup.formats", "is empty: name at least e164");
        }
        return new PhoneNumbers(region, formats);
    }

    /** Reads and checks a default-region setting (two letters, e.g. TR; TR when not set). */
    public static String region(Settings settings, String key) {
        String region = settings.string(key, "TR").toUpperCase(Locale.ROOT);
        if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(region)) {
            throw new InvalidSettingException(key, "is '" + region + "': use a two-letter region code such as TR, DE or US");
        }
        return region;
    }

    public String region() {
        return region;
    }

    /**
     * The caller's number written in each lookup format, in the order of {@code crm.lookup.formats},
     * each value once. A withheld number is a 404 (no contact can match it), a masked or unreadable
     * one a 400; neither message repeats the input.
     */
    public List<Candidate> candidates(String caller) {
        PhoneNumber number = parse(caller);
        Set<String> seen = new LinkedHashSet<>();
        List<Candidate> candidates = new ArrayList<>();
        for (String format : formats) {
            String value = format(number, format);
            if (value != null && seen.add(value)) {
                candidates.add(new Candidate(format, value));
            }
        }
        return candidates;
    }

    /**
     * The caller's number as a request sent it, trimmed; a single leading space before a country code is read as
     * the {@code +} of a URL that did not encode it (null stays null).
     */
    public String sent(String phone) {
        return phone == null ? null : PLUS_SENT_UNENCODED.matcher(phone).matches() ? "+" + phone.substring(1) : phone.trim();
    }

    /** Whether a caller's number as written hides some of its digits ({@code 0532***4567}, {@code 0532 XXX 45 67}). */
    public boolean masked(String caller) {
        return caller != null && MASK.matcher(caller).find();
    }

    /**
     * Throws the 400 of a screen pop with no caller's number: neither {@code phone} nor {@code activecallkey} was given. It
     * names {@code phone}, the field a screen pop gives first (the call's key stands in for it only when numbers are masked).
     */
    public void noCaller() {
        throw new InvalidFieldException("phone", "is missing: give phone (the caller's number) or activecallkey (the call, when "
                + "numbers are masked): query parameters of /api/v1/screen-pop, fields of the agent page's body");
    }

    /** Whether a screen pop reads the caller from the call: its key is given, and the number is missing or masked. */
    public boolean readFromCall(String caller, String activecallkey) {
        return activecallkey != null && !activecallkey.isEmpty() && (caller == null || caller.isEmpty() || masked(caller));
    }

    /** The caller's number in E.164, e.g. {@code +905321234567}. */
    public String e164(String caller) {
        return format(parse(caller), E164);
    }

    /**
     * A number to dial written in one format ({@code e164}, {@code national}); empty unless it is a valid number of its
     * region (libphonenumber's numbering plan) without an extension. Read as leniently as a caller's number, one with a
     * digit too many ({@code 0532 123 45 67 / 8}) is one longer possible number: dialled, it calls someone else.
     */
    public Optional<String> writeDiallable(String written, String format) {
        return parsed(written).filter(number -> !number.hasExtension() && util.isValidNumber(number)).map(number -> format(number, format));
    }

    /** A number as a person or a CRM wrote it, read under the default region; empty when it is not a phone number. */
    Optional<PhoneNumber> read(String written) {
        return parsed(written).map(PhoneNumber::clearExtension).filter(util::isPossibleNumber);
    }

    private Optional<PhoneNumber> parsed(String written) {
        if (written == null || written.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(util.parse(written.trim(), region));
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /**
     * The number written in one lookup format; null when the format does not apply: lastN of too few digits, or of a number
     * of another country than the default region's, whose last digits are any local number's (a New York caller's
     * {@code 212 444 55 66} is an Istanbul customer's), and which the full number finds; nor of a number that is no valid one
     * of the region (a mobile's {@code 0532 123 45 67} with two digits more, {@code 12}, ended in a landline customer's last ten).
     */
    String format(PhoneNumber number, String format) {
        String digits = util.format(number, PhoneNumberFormat.E164).substring(1);
        switch (format) {
            case E164:
                return "+" + digits;
            case NATIONAL:
                return util.formatOutOfCountryCallingNumber(number, region).replaceAll("\\D", "");
            case DIGITS:
                return digits;
            default:
                int count = lastDigits(format);
                return digits.length() >= count && number.getCountryCode() == util.getCountryCodeForRegion(region) && util.isValidNumber(number)
                        ? digits.substring(digits.length() - count) : null;
        }
    }

    private PhoneNumber parse(String caller) {
        String text = caller == null ? "" : caller.trim();
        // GİZLİ and Gizli alike: the dotted capital İ lowers to i and a combining dot, the dotless ı stays ı
        String label = text.toLowerCase(Locale.ROOT).replace("\u0307", "").replace('\u0131', 'i');
        if (text.isEmpty() || WITHHELD.contains(label)) {
            throw new NotFoundException("the caller's number is withheld" + (text.isEmpty() ? "" : " (" + label + ")")
                    + ": no contact can match it");
        }
        if (masked(text)) {
            throw new InvalidFieldException("phone", "is masked: look the call up by activecallkey instead");
        }
        return read(text).orElseThrow(() -> new InvalidFieldException("phone",
                "is not a phone number (read under default region " + region + ", crm.lookup.default-region)"));
    }

    private static boolean known(String format) {
        return E164.equals(format) || NATIONAL.equals(format) || DIGITS.equals(format) || LAST_DIGITS.matcher(format).matches();
    }

    private static int lastDigits(String format) {
        Matcher last = LAST_DIGITS.matcher(format);
        if (!last.matches()) {
            throw new IllegalArgumentException("unknown lookup format " + format);
        }
        return Integer.parseInt(last.group(1));
    }
}
