package ccs.connector.screenpop;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import ccs.connector.config.InvalidSettingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The contacts of the file lookup ({@code crm.lookup=file}): a JSON array of objects or a CSV file
 * with a header row. Each contact's {@code phone} holds one number or several separated by
 * {@code ;} (in JSON also an array), written any way a person would; every other field is passed
 * through to the contact card. A contact matches when one of its numbers, written in the lookup's
 * format, equals the number looked for, like a CRM that normalizes what it stores.
 * The file is read at the first lookup (at startup with {@link #check}) and again when it changes;
 * a change that cannot be read leaves the last good contacts.
 */
public final class ContactsFile {

    private static final Logger LOG = LoggerFactory.getLogger(ContactsFile.class);
    private static final TypeReference<List<Map<String, Object>>> JSON_CONTACTS = new TypeReference<>() {
    };

    private record Contact(Map<String, Object> fields, List<PhoneNumber> numbers) {
    }

    /** When the file was last changed, and its size; null when it cannot be read. */
    private record Version(FileTime modified, long size) {
    }

    private record Snapshot(Version version, List<Contact> contacts) {
    }

    private final Path file;
    private final PhoneNumbers phoneNumbers;
    private volatile Snapshot snapshot;

    public ContactsFile(Path file, PhoneNumbers phoneNumbers) {
        this.file = file;
        this.phoneNumbers = phoneNumbers;
    }

    /** Reads the file now, so that a missing or broken file stops startup naming {@code setting}. */
    public void check(String setting) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        if (!name.endsWith(".json") && !name.endsWith(".csv")) {
            throw new InvalidSettingException(setting, "is '" + file + "': name a .json or .csv file");
        }
        try {
            snapshot = read();
        } catch (IOException | RuntimeException e) {
            throw new InvalidSettingException(setting, "is '" + file + "': it cannot be read (" + e.getMessage() + ")");
        }
    }

    /** The contacts with a number that, written in {@code format} (see {@link PhoneNumbers}), is {@code phone}; in file order. */
    public List<Map<String, Object>> find(String phone, String format) {
        List<Map<String, Object>> found = new ArrayList<>();
        for (Contact contact : current().contacts()) {
            if (contact.numbers().stream().anyMatch(number -> phone.equals(phoneNumbers.format(number, format)))) {
                found.add(new LinkedHashMap<>(contact.fields()));
            }
        }
        return found;
    }

    private Snapshot current() {
        Snapshot last = snapshot;
        if (last != null && Objects.equals(last.version(), version())) {
            return last;
        }
        synchronized (this) {
            if (snapshot != last) {
                return snapshot;
            }
            try {
                snapshot = read();
                if (last != null) {
                    LOG.info("Contacts file {} changed: {} contacts", file, snapshot.contacts().size());
                }
            } catch (IOException | RuntimeException e) {
                if (last == null) {
                    throw new IllegalStateException("contacts file " + file + " cannot be read (" + e.getMessage() + ")", e);
                }
                // remembered as this version, so the warning comes once per change, not once per lookup
                snapshot = new Snapshot(version(), last.contacts());
                LOG.warn("Contacts file {} cannot be read ({}); looking up in the {} contacts read before", file, e.getMessage(),
                        last.contacts().size());
            }
            return snapshot;
        }
    }

    private Version version() {
        try {
            return new Version(Files.getLastModifiedTime(file), Files.size(file));
        } catch (IOException e) {
            return null;
        }
    }

    private Snapshot read() throws IOException {
        Version version = version();
        List<Map<String, Object>> rows = file.toString().endsWith(".csv") ? readCsv() : new ObjectMapper().readValue(file.toFile(), JSON_CONTACTS);
        List<Contact> contacts = new ArrayList<>(rows.size());
        List<Object> unreadable = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            List<PhoneNumber> numbers = new ArrayList<>();
            for (String written : writtenNumbers(row.get("phone"))) {
                Optional<PhoneNumber> number = phoneNumbers.read(written);
                number.ifPresentOrElse(numbers::add, () -> unreadable.add(row.getOrDefault("id", "#" + (contacts.size() + 1))));
            }
            contacts.add(new Contact(row, numbers));
        }
        // a CRM's export names its column Phone or mobile: read as it is, no caller would ever be found, and nothing said why
        if (!rows.isEmpty() && rows.stream().noneMatch(row -> row.containsKey("phone"))) {
            LOG.warn("Contacts file {}: no contact has a field phone (the names are read as written, in lower case: phone); "
                    + "no caller is found in it", file);
        }
        if (!unreadable.isEmpty()) {
            LOG.warn("Contacts file {}: contacts {} hold numbers that are not phone numbers under region {}; those numbers never match",
                    file, unreadable, phoneNumbers.region());
        }
        return new Snapshot(version, List.copyOf(contacts));
    }

    private List<Map<String, Object>> readCsv() throws IOException {
        CsvMapper csv = new CsvMapper();
        CsvSchema schema = CsvSchema.emptySchema().withHeader().withColumnSeparator(columnSeparator());
        try (MappingIterator<Map<String, Object>> rows = csv.readerFor(Map.class).with(schema).readValues(file.toFile())) {
            return rows.readAll();
        }
    }

    /**
     * ';' when the header row holds it and no ',': Excel writes its CSV so where a comma is the decimal mark (Turkish,
     * German); read with commas, such a file was one column and found nobody. Else ','.
     */
    private char columnSeparator() throws IOException {
        boolean comma = false;
        boolean semicolon = false;
        try (InputStream in = Files.newInputStream(file)) {
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                comma |= b == ',';
                semicolon |= b == ';';
            }
        }
        return semicolon && !comma ? ';' : ',';
    }

    private static List<String> writtenNumbers(Object phone) {
        if (phone instanceof Collection<?> several) {
            return several.stream().map(String::valueOf).toList();
        }
        if (phone == null) {
            return List.of();
        }
        return List.of(String.valueOf(phone).split(";"));
    }
}
