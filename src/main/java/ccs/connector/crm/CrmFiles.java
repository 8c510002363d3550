package ccs.connector.crm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.jms.ConnectionFactory;
import org.springframework.jms.connection.JmsTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The file sink's files on the disk before their outbox message is acknowledged. Camel's file producer writes and
 * renames a file without forcing it to the disk: the operating system writes it back some seconds later, and a
 * machine that lost power before that lost a file whose outbox message was gone. A file written inside the
 * transaction of an outbox message's events (route crm-deliver-page, {@link PageTransactions}) is forced when that
 * transaction commits, with its directory once, after every file of the page is written: the disk then writes each
 * file's data once, not one file at a time. A commit that cannot force them fails, and the events are delivered again.
 * Outside such a transaction a file is forced at once. With {@code crm.file.sync=false} nothing is forced.
 */
public final class CrmFiles {

    private final boolean sync;

    /** {@code sync}: force the files (crm.file.sync), or leave them to the operating system. */
    public CrmFiles(boolean sync) {
        this.sync = sync;
    }

    /**
     * Forces a file just written (its path, as the file producer's header {@code CamelFileNameProduced} gives it) to
     * the disk, with its directory (the rename): when its page's transaction commits, or now.
     */
    @SuppressWarnings("unchecked")
    public void written(String file) {
        if (!sync) {
            return;
        }
        Path path = Path.of(file).toAbsolutePath();
        Set<Path> page = (Set<Path>) TransactionSynchronizationManager.getResource(this);
        if (page != null) {
            page.add(path);
        } else {
            force(Set.of(path));
        }
    }

    private static void force(Set<Path> files) {
        Set<Path> directories = new LinkedHashSet<>();
        for (Path file : files) {
            // a file gone already was taken by the CRM (moved or deleted): it is the CRM's now
            if (force(file)) {
                directories.add(file.getParent());
            }
        }
        directories.forEach(CrmFiles::force);
    }

    /** Forces a file or directory to the disk; false if it is gone. */
    private static boolean force(Path path) {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
            return true;
        } catch (NoSuchFileException gone) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("could not force " + path + " to the disk: " + e.getMessage(), e);
        }
    }

    /**
     * The transaction of an outbox message's events in the sink: the JMS sink's sends (a JMS transaction, whose session
     * opens only once something is sent) and the file sink's files, forced before the JMS commit. The files are kept
     * as a resource of the transaction's thread: the JMS transaction manager keeps Spring's transaction
     * synchronization off, so no synchronization could be registered.
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
            super.doBegin(transaction, definition);
            TransactionSynchronizationManager.bindResource(files, new LinkedHashSet<Path>());
        }

        @Override
        @SuppressWarnings("unchecked")
        protected void doCommit(DefaultTransactionStatus status) {
            force((Set<Path>) TransactionSynchronizationManager.getResource(files));
            super.doCommit(status);
        }

        @Override
        protected void doCleanupAfterCompletion(Object transaction) {
            TransactionSynchronizationManager.unbindResourceIfPossible(files);
            super.doCleanupAfterCompletion(transaction);
        }
    }
}
