package ccs.connector.support;

import java.sql.Connection;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicInteger;

import ccs.connector.state.Database;
import org.h2.api.Trigger;

/**
 * A database that is away for one table of the real H2 state store: an H2 trigger that fails the next writes
 * of its count (one table at a time), then lets the rest through.
 */
public final class FailingWrites implements Trigger {

    private static final AtomicInteger REMAINING = new AtomicInteger();

    /** Fails the next {@code writes} statements of that kind ({@code INSERT}, or {@code INSERT, UPDATE}) on the table. */
    public static void start(Database store, String table, String statements, int writes) {
        REMAINING.set(writes);
        store.update("CREATE TRIGGER FAIL_" + table + " BEFORE " + statements + " ON " + table + " FOR EACH ROW CALL '"
                + FailingWrites.class.getName() + "'");
    }

    /** How many writes are still to fail. */
    public static int remaining() {
        return REMAINING.get();
    }

    /** The database is back: the table takes every write again. */
    public static void stop(Database store, String table) {
        REMAINING.set(0);
        store.update("DROP TRIGGER IF EXISTS FAIL_" + table);
    }

    @Override
    public void fire(Connection connection, Object[] oldRow, Object[] newRow) throws SQLTransientConnectionException {
        if (REMAINING.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new SQLTransientConnectionException("the database is away (test)");
        }
    }
}
