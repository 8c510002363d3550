package ccs.connector.cdr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The CDR sync's small durable files under {@code <connector.data-dir>/cdr/}, one set per tenant:
 * {@code <tenant>.checkpoint} (the instant up to which every record was handed to the outbox, UTC
 * ISO-8601) and {@code <tenant>.backfill.json} (an unfinished backfill and how far it got, times in
 * the tenant's wall clock). Each
 * write goes to a temporary file that is forced to disk and renamed over the old one, so a crash
 * leaves the old content or the new one, never a mix.
 */
public final class CdrState {

    /** An unfinished backfill: its range and the start of the part still to read, in the tenant's wall clock. */
    public record Backfill(String tenant, LocalDateTime from, LocalDateTime to, LocalDateTime next, int windowsDone, long records) {

        /** Share of the range read, 0 to 100. */
        public double percentDone() {
            long total = java.time.Duration.between(from, to).toSeconds();
            long done = java.time.Duration.between(from, next).toSeconds();
            return total <= 0 ? 100 : Math.min(100, Math.max(0, 100.0 * done / total));
        }

        public boolean finished() {
            return next.isAfter(to);
        }
    }

    private static final String CHECKPOINT = ".checkpoint";
    private static final String BACKFILL = ".backfill.json";

    private final ObjectMapper json = new ObjectMapper();
    private final Path directory;

    public CdrState(Path directory) {
        this.directory = directory;
    }

    public Optional<Instant> checkpoint(String tenant) {
        return read(file(tenant, CHECKPOINT)).map(text -> {
            try {
                return Instant.parse(text.trim());
            } catch (DateTimeParseException e) {
                throw new IllegalStateException("the CDR checkpoint " + file(tenant, CHECKPOINT)
                        + " cannot be read ('" + text.trim() + "'): fix or delete it", e);
            }
        });
    }

    public void saveCheckpoint(String tenant, Instant at) {
        write(file(tenant, CHECKPOINT), at.toString() + "\n");
    }

    public Optional<Backfill> backfill(String tenant) {
        return read(file(tenant, BACKFILL)).map(text -> {
            try {
                Map<?, ?> fields = json.readValue(text, Map.class);
                return new Backfill(tenant, LocalDateTime.parse(String.valueOf(fields.get("from"))),
                        LocalDateTime.parse(String.valueOf(fields.get("to"))), LocalDateTime.parse(String.valueOf(fields.get("next"))),
                        ((Number) fields.get("windowsDone")).intValue(), ((Number) fields.get("records")).longValue());
            } catch (JsonProcessingException | RuntimeException e) {
                throw new IllegalStateException("the CDR backfill progress " + file(tenant, BACKFILL) + " cannot be read: fix or delete it", e);
            }
        });
    }

    public void saveBackfill(Backfill backfill) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("tenant", backfill.tenant());
        fields.put("from", backfill.from().toString());
        fields.put("to", backfill.to().toString());
        fields.put("next", backfill.next().toString());
        fields.put("windowsDone", backfill.windowsDone());
        fields.put("records", backfill.records());
        try {
            write(file(backfill.tenant(), BACKFILL), json.writerWithDefaultPrettyPrinter().writeValueAsString(fields) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void deleteBackfill(String tenant) {
        try {
            Files.deleteIfExists(file(tenant, BACKFILL));
        } catch (IOException e) {
            throw new UncheckedIOException("the CDR backfill progress of tenant " + tenant + " cannot be deleted", e);
        }
    }

    /** Tenants with a backfill progress file: backfills that a stop or a failure interrupted. */
    public List<String> tenantsWithBackfill() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(f -> f.getFileName().toString()).filter(name -> name.endsWith(BACKFILL))
                    .map(name -> name.substring(0, name.length() - BACKFILL.length())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("the CDR state directory " + directory + " cannot be listed", e);
        }
    }

    private Path file(String tenant, String suffix) {
        return directory.resolve(tenant.replaceAll("[^A-Za-z0-9._-]", "_") + suffix);
    }

    private static Optional<String> read(Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("the CDR state file " + file + " cannot be read", e);
        }
    }

    private void write(Path file, String content) {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(directory);
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory();
        } catch (IOException e) {
            throw new UncheckedIOException("the CDR state file " + file + " cannot be written", e);
        }
    }

    /** The rename itself is durable only once the directory is on disk (possible on Linux, not everywhere). */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // a platform that cannot open a directory still renamed atomically
        }
    }
}
