package ccs.connector.crm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.jms.ConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.JmsTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * How the file sink's files become the CRM's: each is written as {@code <name>.<writer>-<thread>.part} ({@link #WRITER},
 * route crm-sink-file) and
 * renamed to {@code <name>} here, so that a reader of {@code *.json} never sees a partial file. With {@code crm.file.sync} (shipped
 * true) a file's data is forced to the disk before its rename, and the rename (its directory) before its outbox message
 * is acknowledged: a machine that loses power keeps every event the outbox let go of, and shows no empty file under an
 * event's name. Camel's file producer forces nothing: the operating system wrote a file back some seconds later, and a
 * power loss in those seconds lost it. A file is forced and renamed in its event's own route, so that a file that cannot
 * be has its event's retries and dead letter; the directory, once per outbox message, when the transaction of its events
 * commits (route crm-deliver-page, {@link PageTransactions}), or at once outside one. Without {@code crm.file.sync} a
 * file is renamed and nothing is forced.
 */
public final class CrmFiles {

    private static final Logger LOG = LoggerFactory.getLogger(CrmFiles.class);
    private static final String PART = ".part";

    /**
     * The global variable that names this process among the replicas that share the directory (route crm-sink-file writes
     * {@code <name>.<writer>-<thread>.part}): thread ids are one JVM's, and two replicas delivering one event at the same
     * moment (its outbox message taken back from one) may do so on threads of the same id. A variable read in the file name,
     * not a bean call per event: no method lookup and parameter binding for each event of the CDR rows.
     */
    public static final String WRITER = "crmFileWriter";

    private final boolean sync;
    /** Directories that could not be forced to the disk: warned of once each. */
    private final Set<Path> unforceableDirectories = ConcurrentHashMap.newKeySet();

    /** {@code sync}: force the files (crm.file.sync), or leave them to the operating system. */
    public CrmFiles(boolean sync) {
        this.sync = sync;
    }

    /**
     * A file written as {@code <name>.<writer>-<thread>.part} (its path, as the file producer's header {@code CamelFileNameProduced}
     * gives it) becomes {@code <name>}, its data forced first; its directory is forced when its page's transaction commits,
     * or now. A name of its own per delivering thread of each replica: two consumers delivering one event at the same moment
     * (its outbox message taken back from one that was slow) would otherwise write one file, and one rename the other's half-written
     * data. A file that cannot be forced or renamed is removed: its event's next attempt writes it again.
     */
    @SuppressWarnings("unchecked")
    public void written(String part, String name) {
        Path path = Path.of(part).toAbsolutePath();
        if (!path.getFileName().toString().endsWith(PART)) {
            throw new IllegalArgumentException("the file sink writes " + path + ", not a " + PART + " file to rename");
        }
        try {
            if (sync) {
                forceData(path);
            }
            Files.move(path, path.resolveSibling(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            discard(path);
            throw new UncheckedIOException("could not rename " + path + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            discard(path);
            throw e;
        }
        if (sync) {
            Set<Path> page = (Set<Path>) TransactionSynchronizationManager.getResource(this);
            if (page != null) {
                page.add(path.getParent());
            } else {
                forceDirectory(path.getParent());
            }
        }
    }

    /**
     * A directory's entries (the renames) to the disk. A failure is a warning, once per directory, not a failed delivery:
     * the files it holds are renamed, their data on the disk, and failing the page would write them to the CRM again at
     * every attempt; some file systems cannot open a directory (Windows) or force one (some shared and virtual ones).
     */
    private void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (unforceableDirectories.add(directory)) {
                LOG.warn("Could not force {} to the disk ({}): the renames of the file sink's files in it are left to its file system",
                        directory, e.getMessage());
            } else {
                LOG.debug("Could not force {} to the disk ({})", directory, e.getMessage());
            }
        }
    }

    private static void discard(Path part) {
        try {
            Files.deleteIfExists(part);
        } catch (IOException e) {
            LOG.warn("Could not remove {} of a failed delivery to the file sink: {}", part, e.getMessage());
        }
    }

    private static void forceData(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("could not force " + file + " to the disk: " + e.getMessage(), e);
        }
    }

    /**
     * The transaction of an outbox message's events in the sink: the JMS sink's sends (a JMS transaction, whose session
     * opens only once something is sent) and the file sink's directories, forced before the JMS commit. They are kept as
     * a resource of the transaction's thread: the JMS transaction manager keeps Spring's transaction synchronization off,
     * so no synchronization could be registered. Used with PROPAGATION_REQUIRED only: a transaction inside it joins it.
     */
    static final class PageTransactions extends JmsTransactionManager {
        private final transient CrmFiles files;

        PageTransactions(ConnectionFactory sinkBroker, CrmFiles files) {
            super(sinkBroker);
            this.files = files;
            setLazyResourceRetrieval(true);
        }

        @Override
        protected void doBegin(Object transaction, TransactionDefinition definition) {
            // first: should the JMS transaction not begin, nothing of this one is left on the thread
            TransactionSynchronizationManager.bindResource(files, new LinkedHashSet<Path>());
            try {
                super.doBegin(transaction, definition);
            } catch (RuntimeException e) {
                TransactionSynchronizationManager.unbindResourceIfPossible(files);
                throw e;
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        protected void doCommit(DefaultTransactionStatus status) {
            Set<Path> directories = (Set<Path>) TransactionSynchronizationManager.getResource(files);
            if (directories != null) {
                directories.forEach(files::forceDirectory);
            }
            super.doCommit(status);
        }

        @Override
        protected void doCleanupAfterCompletion(Object transaction) {
            TransactionSynchronizationManager.unbindResourceIfPossible(files);
            super.doCleanupAfterCompletion(transaction);
        }
    }
}
