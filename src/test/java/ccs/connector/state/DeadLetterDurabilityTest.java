package ccs.connector.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import ccs.connector.crm.DeadLetters;
import org.h2.store.fs.FileBase;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dead letter is the only copy of what it holds once its caller goes on (the outbox message acknowledged, the webhook
 * answered), so the H2 store forces it to the disk before keeping it returns; an ordinary commit is only written to the
 * file. Observed through an H2 file system that hands the real file on and notes which threads forced it.
 */
class DeadLetterDurabilityTest {

    static {
        FilePath.register(new ForceWatchingFiles());
    }

    @TempDir
    Path dataDir;

    @Test
    void keepingADeadLetterForcesTheStoreFileToTheDiskBeforeItReturns() throws Exception {
        try (Database database = Database.h2(ForceWatchingFiles.SCHEME + ":", dataDir, "")) {
            String thisThread = Thread.currentThread().getName();

            ForceWatchingFiles.FORCED_BY.clear();
            database.update("INSERT INTO CAMEL_MESSAGEPROCESSED (processorName, messageId, createdAt) VALUES (?, ?, LOCALTIMESTAMP)",
                    "crm-delivery", "demo:ccs.call.hangup:durability-1");
            assertThat(ForceWatchingFiles.FORCED_BY).as("an ordinary commit is written, not forced").doesNotContain(thisThread);

            new DeadLetters(database, null, null).keep("demo:ccs.call.hangup:durability-2", "event", """
                    {"eventId": "demo:ccs.call.hangup:durability-2", "reason": "RejectedDeliveryException: CRM answered 400", "attempts": 1}
                    """);
            assertThat(ForceWatchingFiles.FORCED_BY).as("threads that forced the store file").contains(thisThread);
            assertThat(firstPage(new DeadLetters(database, null, null))).singleElement()
                    .satisfies(letter -> assertThat(letter).containsEntry("id", "demo:ccs.call.hangup:durability-2"));
        }
    }

    /** An H2 file system ({@code force-watching:<path>}) over the real one that notes the threads that force the store file. */
    public static final class ForceWatchingFiles extends FilePathWrapper {

        static final String SCHEME = "force-watching";
        static final Set<String> FORCED_BY = ConcurrentHashMap.newKeySet();

        @Override
        public String getScheme() {
            return SCHEME;
        }

        @Override
        public FileChannel open(String mode) throws IOException {
            FileChannel file = getBase().open(mode);
            return name.endsWith(".mv.db") ? new ForceWatchingChannel(file) : file;
        }
    }

    /** The real file's channel, noting who forces it. */
    private static final class ForceWatchingChannel extends FileBase {

        private final FileChannel file;

        ForceWatchingChannel(FileChannel file) {
            this.file = file;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            file.force(metaData);
            ForceWatchingFiles.FORCED_BY.add(Thread.currentThread().getName());
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            return file.write(src, position);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return file.write(src);
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return file.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            file.close();
        }
    }

    /** The first page of GET /api/v1/dead-letters, as the bean answers it. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> firstPage(DeadLetters deadLetters) {
        return (List<Map<String, Object>>) deadLetters.page(null, null, null, null).get("deadLetters");
    }
}
