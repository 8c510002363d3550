package ccs.connector.screenpop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import ccs.connector.config.InvalidSettingException;
import ccs.connector.support.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(LogCapture.PerClass.class)
class ContactsFileTest {

    static {
        LogCapture.install();
    }

    private final PhoneNumbers numbers = new PhoneNumbers("TR", List.of("e164", "national", "last7"));

    @TempDir
    Path dir;

    @Test
    void jsonContactsMatchByAnyOfTheirNumbersInEveryFormat() throws Exception {
        Path file = dir.resolve("contacts.json");
        Files.writeString(file, """
                [{"id": "a", "name": "Ayla", "phone": "0532 123 45 67"},
                 {"id": "b", "name": "Bora", "phone": ["+90 212 444 55 66", "0533-765-4321"], "tier": "gold"},
                 {"id": "c", "name": "Cem", "phone": "0212 444 55 66;not a number"},
                 {"id": "d", "name": "Derya"}]
                """);
        ContactsFile contacts = new ContactsFile(file, numbers);
        contacts.check("crm.lookup.file");

        assertThat(contacts.find("+905321234567", "e164")).extracting(c -> c.get("id")).containsExactly("a");
        assertThat(contacts.find("05337654321", "national")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("name", "Bora").containsEntry("tier", "gold"));
        assertThat(contacts.find("4445566", "last7")).extracting(c -> c.get("id")).containsExactly("b", "c");
        assertThat(contacts.find("+905329999999", "e164")).isEmpty();
    }

    @Test
    void csvContactsWithAHeaderRowWorkTheSame() throws Exception {
        Path file = dir.resolve("contacts.csv");
        Files.writeString(file, """
                id,name,company,phone,url
                a,"Şahin, Elif",Anadolu Tekstil,+90 532 123 45 67,https://crm.example.com/a
                b,Burak,Ege Lojistik,0533 765 43 21;0212 444 55 66,https://crm.example.com/b
                """);
        ContactsFile contacts = new ContactsFile(file, numbers);
        contacts.check("crm.lookup.file");

        assertThat(contacts.find("05321234567", "national")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("name", "Şahin, Elif").containsEntry("url", "https://crm.example.com/a"));
        assertThat(contacts.find("+902124445566", "e164")).extracting(c -> c.get("id")).containsExactly("b");
    }

    /** Excel writes ';' between the columns where a comma is the decimal mark, as in Turkish. */
    @Test
    void csvContactsSeparatedBySemicolonsAsExcelWritesThemInTurkishWorkTheSame() throws Exception {
        Path file = dir.resolve("excel.csv");
        Files.writeString(file, """
                id;name;phone
                a;"Şahin; Elif";0532 123 45 67
                """);
        ContactsFile contacts = new ContactsFile(file, numbers);
        contacts.check("crm.lookup.file");

        assertThat(contacts.find("05321234567", "national")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("id", "a").containsEntry("name", "Şahin; Elif"));
    }

    /** A CRM's export that names its column otherwise finds nobody: said once, not left to a 404 at every screen pop. */
    @Test
    void aFileWithoutAPhoneFieldIsSaidToFindNobody() throws Exception {
        Path file = dir.resolve("export.csv");
        Files.writeString(file, """
                id,name,Phone
                a,Ayla,0532 123 45 67
                """);
        ContactsFile contacts = new ContactsFile(file, numbers);
        contacts.check("crm.lookup.file");

        assertThat(contacts.find("05321234567", "national")).isEmpty();
        assertThat(LogCapture.text()).contains("Contacts file " + file + ": no contact has a field phone (the names are read as written, "
                + "in lower case: phone); no caller is found in it");
    }

    @Test
    void aChangedFileIsReadAgainAndABrokenChangeKeepsTheLastGoodContacts() throws Exception {
        Path file = dir.resolve("contacts.json");
        Files.writeString(file, "[{\"id\": \"a\", \"phone\": \"05321234567\"}]");
        ContactsFile contacts = new ContactsFile(file, numbers);
        contacts.check("crm.lookup.file");
        assertThat(contacts.find("+905321234567", "e164")).hasSize(1);

        Files.writeString(file, "[{\"id\": \"a\", \"phone\": \"05321234567\"}, {\"id\": \"b\", \"phone\": \"+90 532 123 45 67\"}]");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(contacts.find("+905321234567", "e164")).extracting(c -> c.get("id")).containsExactly("a", "b");

        Files.writeString(file, "[{\"id\": \"a\", \"phone\": ");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        assertThat(contacts.find("+905321234567", "e164")).extracting(c -> c.get("id")).containsExactly("a", "b");
        assertThat(contacts.find("+905321234567", "e164")).hasSize(2);
        assertThat(LogCapture.text().split("Contacts file " + file + " cannot be read", -1)).as("one warning for the broken change")
                .hasSize(2);
    }

    @Test
    void aMissingOrMalformedFileStopsStartupNamingTheSetting() throws Exception {
        assertThatThrownBy(() -> new ContactsFile(dir.resolve("none.json"), numbers).check("crm.lookup.file"))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("crm.lookup.file");
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"not\": \"a list\"}");
        assertThatThrownBy(() -> new ContactsFile(broken, numbers).check("crm.lookup.file"))
                .isInstanceOf(InvalidSettingException.class).hasMessageContaining("cannot be read");
    }

    @Test
    void theFoundContactsAreCopiesThatCallersMayChange() throws Exception {
        Path file = Files.writeString(dir.resolve("contacts.json"), "[{\"id\": \"a\", \"phone\": \"05321234567\"}]");
        ContactsFile contacts = new ContactsFile(file, numbers);
        Map<String, Object> first = contacts.find("+905321234567", "e164").get(0);
        first.put("match", "changed");
        assertThat(contacts.find("+905321234567", "e164").get(0)).doesNotContainKey("match");
    }
}
