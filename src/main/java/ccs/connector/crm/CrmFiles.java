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
 * How the file sink's files become the CRM's: each is written as {@code <name>.part} (route crm-sink-file) and renamed to
 * {@code <name>} here, so that a reader of {@code *.json} never sees a partial file. With {@code crm.file.sync} (shipped
 * true) a file's data is forced to the disk before its rename, and the rename (its directory) before its outbox message is
 * acknowledged: a machine that loses power keeps every event the outbox let go of, and shows no empty file under an
 * event's name. Camel's file producer forces nothing: the operating system wrote a file back some seconds later, and a
 * power loss in those seconds lost it. Inside the transaction of an outbox message's events (route crm-deliver-page,
 * {@link PageTransactions}) a page's files are forced, renamed and their directory forced when it commits, after the last
 * is written, so that the disk writes each file's data once, not a file at a time; a commit that cannot do so fails, and
 * the events are delivered again. Outside one, a file is forced and renamed at once. Without {@code crm.file.sync} a file
 * is renamed at once and nothing is forced.
 */
public final class CrmFiles {

    private static final Logger LOG = LoggerFactory.getLogger(CrmFiles.class);
    private static final String PART = ".part";

    private final boolean sync;
    /** Directories whose force the file system refused (some network file systems): warned of once each. */
    private final Set<Path> unforceableDirectories = ConcurrentHashMap.newKeySet();

    /** {@code sync}: force the files (crm.file.sync), or leave them to the operating system. */
    public CrmFiles(boolean sync) {
        this.sync = sync;
    }

    /**
     * A file written as {@code <name>.part} (its path, as the file producer's header {@code CamelFileNameProduced} gives
     * it) becomes {@code <name>}: when its page's transaction commits, or now.
     */
    @SuppressWarnings("unchecked")
    public void written(String part) {
        Path path = Path.of(part).toAbsolutePath();
        if (!path.getFileName().toString().endsWith(PART)) {
            throw new IllegalArgumentException("the file sink writes " + path + ", not a " + PART + " file to rename");
        }
        Set<Path> page = sync ? (Set<Path>) TransactionSynchronizationManager.getResource(this) : null;
        if (page != null) {
            page.add(path);
        } else {
            publish(Set.of(path));
        }
    }

    /** Forces the files' data (with crm.file.sync), renames each to its name, then forces their directories. */
    private void publish(Set<Path> parts) {
        if (sync) {
            parts.forEach(part -> force(part, StandardOpenOption.WRITE));
        }
        Set<Path> directories = new LinkedHashSet<>();
        for (Path part : parts) {
            String name = part.getFileName().toString();
            try {
                Files.move(part, part.resolveSibling(name.substring(0, name.length() - PART.length())), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("could not rename " + part + ": " + e.getMessage(), e);
            }
            directories.add(part.getParent());
        }
        if (sync) {
            directories.forEach(this::forceDirectory);
        }
    }

    /**
     * A directory's entries (the renames) to the disk. Some file systems cannot open a directory or refuse to force one
     * (Windows, some network ones): there the renames are left to them, with a warning once, rather than no file delivered.
     */
    private void forceDirectory(Path directory) {
        try {
            force(directory, StandardOpenOption.READ);
        } catch (UncheckedIOException e) {
            if (unforceableDirectories.add(directory)) {
                LOG.warn("The file system of {} cannot force its entries to the disk ({}): a file's rename is left to it", directory,
                        e.getCause().getMessage());
            }
        }
    }

    private static void force(Path path, StandardOpenOption mode) {
        try (FileChannel channel = FileChannel.open(path, mode)) {
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("could not force " + path + " to the disk: " + e.getMessage(), e);
        }
    }

    /**
     * The transaction of an outbox message's events in the sink: the JMS sink's sends (a JMS transaction, whose session
     * opens only once something is sent) and the file sink's files, published before the JMS commit. The files are kept as
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
            Set<Path> parts = (Set<Path>) TransactionSynchronizationManager.getResource(files);
            if (parts != null && !parts.isEmpty()) {
                files.publish(parts);
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
