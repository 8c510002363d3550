package ccs.connector;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every file, link and test the README names exists in the repository. */
class ReadmeReferencesTest {

    private static final Pattern CODE = Pattern.compile("`([^`\\s]+)`");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)#:\\s]+)(#[^)]*)?\\)");
    private static final Pattern FILE = Pattern.compile("[\\w./-]+\\.(camel\\.yaml|yaml|java|sh|md|json|properties|html|options)");
    private static final Pattern TEST = Pattern.compile("[A-Z]\\w*(Test|IT)");

    /** A settings block a reader copies into application.properties has no comment after a value: Java would read it in. */
    @Test
    void noSettingsBlockHasACommentAfterAValue() throws IOException {
        Matcher block = Pattern.compile("(?ms)^ *```properties\\n(.*?)^ *```").matcher(Files.readString(Path.of("README.md")));
        List<String> commented = new ArrayList<>();
        while (block.find()) {
            block.group(1).lines().filter(line -> line.matches("\\s*[^#!\\s][^=]*=.*\\s#.*")).forEach(commented::add);
        }
        assertThat(commented).isEmpty();
    }

    @Test
    void everyFileLinkAndTestItNamesExists() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        Set<String> fileNames = new HashSet<>();
        // what the build and the runs write is skipped rather than read and filtered out: a test class in another JVM
        // renames and deletes files there while this one walks, and a file gone between its listing and its reading failed it
        Files.walkFileTree(Path.of("."), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
                if (NOT_THE_REPOSITORY.contains(directory.toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                fileNames.add(String.valueOf(directory.getFileName()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                fileNames.add(file.getFileName().toString());
                return FileVisitResult.CONTINUE;
            }
        });
        List<String> missing = new ArrayList<>();
        Matcher link = LINK.matcher(readme);
        while (link.find()) {
            if (!Files.exists(Path.of(link.group(1)))) {
                missing.add(link.group(1));
            }
        }
        Matcher code = CODE.matcher(readme);
        while (code.find()) {
            String name = code.group(1);
            boolean isFile = FILE.matcher(name).matches() && !name.contains("*") && !name.contains("<");
            boolean isTest = TEST.matcher(name).matches();
            // a path must exist as written; a bare file name anywhere (the README names files a reader creates: see below)
            if (isFile && !(Files.exists(Path.of(name)) || fileNames.contains(Path.of(name).getFileName().toString())
                    || name.startsWith("../shared/") || CREATED_BY_THE_READER.contains(name))) {
                missing.add(name);
            }
            if (isTest && !fileNames.contains(name + ".java")) {
                missing.add(name);
            }
        }
        assertThat(missing).isEmpty();
    }

    /** The folders the build, the tests and the connector's runs write, not the repository's. */
    private static final Set<String> NOT_THE_REPOSITORY = Set.of("./target", "./.git", "./data", "./bench/work");

    /** Files the README's steps have the reader write. */
    private static final Set<String> CREATED_BY_THE_READER = Set.of("routes/customer/crm-sink-acme.camel.yaml",
            "routes/customer/crm-lookup-acme.camel.yaml");
}
