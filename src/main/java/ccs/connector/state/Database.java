package ccs.connector.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import ccs.connector.config.BackgroundWork;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.h2.api.ErrorCode;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector's state store: dedupe of delivered event ids, click2call correlation, calls' custom variables, CDR
 * checkpoints and backfills, agent performance progress, dead letters and agent sessions. An H2 file under the data dir on one
 * node (the default), a PostgreSQL database shared by every replica when
 * {@code connector.database.url} is a {@code jdbc:postgresql:} URL (pooled by HikariCP).
 * The SQL is the same for both; the one difference, an atomic insert-or-update, is {@link #merge}.
 * At startup the parts of the schema that the catalog lacks are created (and nothing else: a replica starting on the
 * current schema takes no table's lock), under a PostgreSQL advisory lock so that replicas starting together do not race on it.
 */
public final class Database implements AutoCloseable {

    /** Reads one row. */
    @FunctionalInterface
    public interface Row<T> {
        T read(ResultSet row) throws SQLException;
    }

    /** Key of the advisory lock under which a replica creates the schema. */
    private static final long SCHEMA_LOCK = 0x63637363L;

    /**
     * One thing the schema holds: a table, a column added to a table since, or an index. It knows its DDL, run only where
     * the catalog lacks it ({@link #createSchema}).
     */
    private record SchemaPart(String table, String column, String index, String ddl) {

        static SchemaPart table(String table, String columns) {
            return new SchemaPart(table, null, null, "CREATE TABLE IF NOT EXISTS " + table + " (" + columns + ")");
        }

        /** @param definition the column's name and type */
        static SchemaPart column(String table, String definition) {
            return new SchemaPart(table, definition.split(" ", 2)[0], null, "ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " + definition);
        }

        static SchemaPart index(String index, String table, String columns) {
            return new SchemaPart(table, null, index, "CREATE INDEX IF NOT EXISTS " + index + " ON " + table + " (" + columns + ")");
        }

        boolean in(Catalog catalog) {
            return index != null ? catalog.indexes().contains(upper(index))
                    : column != null ? catalog.columns().contains(upper(table + "." + column))
                    : catalog.tables().contains(upper(table));
        }

        @Override
        public String toString() {
            return index != null ? "index " + index : column != null ? "column " + table + "." + column : "table " + table;
        }
    }

    /** The tables, columns ({@code TABLE.COLUMN}) and indexes of the connection's schema, in upper case. */
    private record Catalog(Set<String> tables, Set<String> columns, Set<String> indexes) {
    }

    private static final List<SchemaPart> SCHEMA = List.of(
            SchemaPart.table("CAMEL_MESSAGEPROCESSED", "processorName VARCHAR(255), messageId VARCHAR(1000), createdAt TIMESTAMP, "
                    + "PRIMARY KEY (processorName, messageId)"),
            SchemaPart.index("CAMEL_MESSAGEPROCESSED_CREATED", "CAMEL_MESSAGEPROCESSED", "createdAt"),
            SchemaPart.table("CLICK2CALL_CORRELATION", "tenant VARCHAR(200) NOT NULL, "
                    + "transaction_id VARCHAR(500) NOT NULL, agent_email VARCHAR(320), number_digits VARCHAR(64), "
                    + "crm_reference VARCHAR(1000), requested_at TIMESTAMP NOT NULL, call_key VARCHAR(500), "
                    + "PRIMARY KEY (tenant, transaction_id)"),
            SchemaPart.index("CLICK2CALL_CORRELATION_CALL", "CLICK2CALL_CORRELATION", "tenant, call_key"),
            SchemaPart.index("CLICK2CALL_CORRELATION_TIME", "CLICK2CALL_CORRELATION", "requested_at"),
            // each call control's transaction id, carried out once (ccs.connector.click2call.CallCorrelations)
            SchemaPart.table("CALL_CONTROL_TRANSACTION", "tenant VARCHAR(200) NOT NULL, transaction_id VARCHAR(500) NOT NULL, "
                    + "action VARCHAR(20) NOT NULL, requested_at TIMESTAMP NOT NULL, PRIMARY KEY (tenant, transaction_id)"),
            SchemaPart.index("CALL_CONTROL_TRANSACTION_TIME", "CALL_CONTROL_TRANSACTION", "requested_at"),
            // until when a transaction id's first dispatch is in flight (its outcome not known yet); null: it ended, dispatched
            SchemaPart.column("CLICK2CALL_CORRELATION", "in_flight_until TIMESTAMP"),
            SchemaPart.column("CALL_CONTROL_TRANSACTION", "in_flight_until TIMESTAMP"),
            // the custom variables a screen pop read of a live call, for its hangup event (ccs.connector.ccs.CallVariables)
            // earlier versions' table, keyed by the call alone: no longer read, its rows forgotten after the retention (a
            // replica of an earlier version may still use it during a rolling update)
            SchemaPart.table("CALL_VARIABLES", "call_key VARCHAR(500) PRIMARY KEY, variables VARCHAR(1000000) NOT NULL, "
                    + "read_at TIMESTAMP NOT NULL"),
            // by tenant: a call key is the platform's, and tenants may be on different platforms
            SchemaPart.table("TENANT_CALL_VARIABLES", "tenant VARCHAR(200) NOT NULL, call_key VARCHAR(500) NOT NULL, "
                    + "variables VARCHAR(1000000) NOT NULL, read_at TIMESTAMP NOT NULL, PRIMARY KEY (tenant, call_key)"),
            SchemaPart.index("TENANT_CALL_VARIABLES_TIME", "TENANT_CALL_VARIABLES", "read_at"),
            SchemaPart.table("CDR_CHECKPOINT", "tenant VARCHAR(200) PRIMARY KEY, read_up_to_ms BIGINT NOT NULL"),
            // the checkpoint the tenant's latest settle sweep read up to (ccs.connector.cdr.CdrSync#settleWindow)
            SchemaPart.column("CDR_CHECKPOINT", "settled_up_to_ms BIGINT"),
            // when the tenant's first checkpoint was saved: its first settle sweep is due ccs.cdr.settle-interval after it
            SchemaPart.column("CDR_CHECKPOINT", "first_saved_at_ms BIGINT"),
            // the rest of the tenant's latest settle sweep, which failed: from where its pages in the outbox reached, up to the
            // checkpoint it read up to (ccs.connector.cdr.CdrSync#settleFailed); null once a sweep finished
            SchemaPart.column("CDR_CHECKPOINT", "settle_rest_from_ms BIGINT"),
            SchemaPart.column("CDR_CHECKPOINT", "settle_rest_to_ms BIGINT"),
            // the start of the day of a tenant's first poll (ccs.cdr.start empty), until its first checkpoint
            SchemaPart.table("CDR_FIRST_START", "tenant VARCHAR(200) PRIMARY KEY, start_local VARCHAR(32) NOT NULL"),
            SchemaPart.table("CDR_BACKFILL", "tenant VARCHAR(200) PRIMARY KEY, range_from VARCHAR(32) NOT NULL, "
                    + "range_to VARCHAR(32) NOT NULL, next_start VARCHAR(32) NOT NULL, windows_done INTEGER NOT NULL, "
                    + "records BIGINT NOT NULL, finished BOOLEAN NOT NULL"),
            // the outcome of the tenant's latest backfill (running, done, failed, interrupted) and the run it is in
            SchemaPart.column("CDR_BACKFILL", "windows_total INTEGER"),
            SchemaPart.column("CDR_BACKFILL", "started_at_ms BIGINT"),
            SchemaPart.column("CDR_BACKFILL", "outcome VARCHAR(20)"),
            SchemaPart.column("CDR_BACKFILL", "reason VARCHAR(500)"),
            SchemaPart.column("CDR_BACKFILL", "outcome_at_ms BIGINT"),
            SchemaPart.column("CDR_BACKFILL", "run_started_at_ms BIGINT"),
            SchemaPart.column("CDR_BACKFILL", "run_started_percent DOUBLE PRECISION"),
            SchemaPart.table("CDR_RUN", "tenant VARCHAR(200) NOT NULL, kind VARCHAR(20) NOT NULL, problem VARCHAR(500), "
                    + "at_ms BIGINT NOT NULL, PRIMARY KEY (tenant, kind)"),
            // agent performance: the daily run's checkpoint and each tenant's latest backfill (ccs.connector.agentperf)
            SchemaPart.table("AGENT_PERF_PROGRESS", "tenant VARCHAR(200) NOT NULL, kind VARCHAR(20) NOT NULL, "
                    + "range_from VARCHAR(10) NOT NULL, range_to VARCHAR(10), next_day VARCHAR(10) NOT NULL, days_done INTEGER NOT NULL, "
                    + "events BIGINT NOT NULL, outcome VARCHAR(20) NOT NULL, reason VARCHAR(500), at_ms BIGINT NOT NULL, "
                    + "PRIMARY KEY (tenant, kind)"),
            // each agent's session sealed, never its text (ccs.connector.session.SealedSessions)
            SchemaPart.table("AGENT_SESSION", "tenant VARCHAR(200) NOT NULL, agent_email VARCHAR(320) NOT NULL, "
                    + "session VARCHAR(1000) NOT NULL, expires_at_ms BIGINT NOT NULL, PRIMARY KEY (tenant, agent_email)"),
            // the agents whose agent pages were revoked (ccs.connector.agentpage.AgentPageRevocations)
            SchemaPart.table("AGENT_PAGE_REVOCATION", "tenant VARCHAR(200) NOT NULL, agent_email VARCHAR(320) NOT NULL, "
                    + "revoked_at_ms BIGINT NOT NULL, PRIMARY KEY (tenant, agent_email)"),
            // the agent links opened once already (ccs.connector.agentpage.AgentLinkOpenings)
            SchemaPart.table("AGENT_LINK_OPENING", "nonce VARCHAR(64) PRIMARY KEY, expires_at_ms BIGINT NOT NULL"),
            SchemaPart.table("CLICK2CALL_SLOT", "tenant VARCHAR(200) NOT NULL, second_at BIGINT NOT NULL, "
                    + "taken INTEGER NOT NULL, PRIMARY KEY (tenant, second_at)"),
            SchemaPart.table("DEAD_LETTER", "id VARCHAR(1000) PRIMARY KEY, kind VARCHAR(32) NOT NULL, "
                    + "reason VARCHAR(2000) NOT NULL, attempts INTEGER NOT NULL, failed_at TIMESTAMP NOT NULL, "
                    + "letter VARCHAR(1000000) NOT NULL, replay BOOLEAN NOT NULL"),
            // the leader's replay poll (every second), the listing's pages, the status's counts and latest reason: read
            // through the whole table, letters and all, each took about 2 s once a night of refusals left 200,000 letters,
            // and the status's store reads, limited to 3 s, failed
            SchemaPart.index("DEAD_LETTER_REPLAY", "DEAD_LETTER", "replay, failed_at, id"),
            SchemaPart.index("DEAD_LETTER_TIME", "DEAD_LETTER", "failed_at, id"),
            SchemaPart.index("DEAD_LETTER_KIND", "DEAD_LETTER", "kind, failed_at"));

    /**
     * PostgreSQL: how long a schema change waits for its table's lock before it gives up and is tried again. Waiting, it
     * heads the table's lock queue, and every other replica's statement on the table waits behind it.
     */
    private static final Duration DDL_LOCK_TIMEOUT = Duration.ofSeconds(2);
    /** How often a schema change whose table stayed locked is tried, a second longer apart each time. */
    private static final int DDL_ATTEMPTS = 5;
    /** PostgreSQL's SQL state of a lock not had within {@code lock_timeout}. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    /** Where the SQL of the two databases differs. */
    enum Dialect {
        H2, POSTGRESQL
    }

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /** Rows a state copy sends the database at once. */
    private static final int COPY_BATCH = 1000;

    /** H2's own pool's size: the routes that touch the store at once (deliveries, CDR, webhooks, agent pages). */
    private static final int H2_POOL_SIZE = 10;

    /** The H2 store's chunks with less live data than this are rewritten (see {@link #rewriteSparseChunks}). */
    private static final int H2_REWRITE_BELOW_FILL_PERCENT = 80;
    /** At most this much rewritten per housekeeping run, which holds H2's store lock meanwhile. */
    private static final int H2_REWRITE_BYTES = 16 << 20;

    private final DataSource dataSource;
    private final Dialect dialect;
    private final AutoCloseable pool;
    /** Each lock holder keeps a connection while its work takes others: at most half the pool holds locks. */
    private final Semaphore lockHolders;
    /** The H2 store's housekeeping; none on PostgreSQL. */
    private ScheduledExecutorService housekeeping;
    /** The last housekeeping run failed (touched by the housekeeping thread only): a failing store is logged once, not every second. */
    private boolean housekeepingFailed;

    private Database(DataSource dataSource, Dialect dialect, AutoCloseable pool, int poolSize) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.pool = pool;
        this.lockHolders = new Semaphore(Math.max(1, poolSize / 2));
    }

    /** The H2 file {@code <dataDir>/db/connector}: one node's own store. */
    public static Database h2(Path dataDir) {
        return h2("", dataDir, "");
    }

    /**
     * @param fileSystem an H2 file system's prefix for the file's path (tests: one that watches the file), or empty
     * @param settings more of H2's settings for its URL, each after a semicolon (tests: a short retention time), or empty
     */
    static Database h2(String fileSystem, Path dataDir, String settings) {
        // WRITE_DELAY=0: a commit is in the file when it returns (H2 delays writing it up to 500 ms by default).
        // Delivery acknowledges an outbox message after recording its event id; had a killed process lost that
        // id, the next read of the same CDR record (the poll's overlap) would deliver it to the CRM again.
        // DB_CLOSE_ON_EXIT=FALSE: on SIGTERM H2's own shutdown hook would close the file while Camel still stops
        // its routes (a delivery then could not record its id); the file closes with the pool, at Camel's end.
        // HikariCP, not H2's own pool: that one rolls back every connection handed back, and with WRITE_DELAY=0 an
        // H2 rollback writes the store's pending pages to the file, so each read paid for a write.
        Path file = dataDir.toAbsolutePath().resolve("db").resolve("connector");
        // MAX_COMPACT_TIME=0: closing does not compact in place for up to 200 ms (H2's default, which barely dents
        // a large file); the next start compacts the whole file instead (compactH2)
        // retry: a thread interrupted while it writes (a polling consumer that Camel stops, at shutdown or when its replica
        // loses the lead) would close the file's channel, and with it the store, for every other thread until the restart:
        // H2's retry: file system opens the channel again
        String url = "jdbc:h2:file:retry:" + fileSystem + file + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;MAX_COMPACT_TIME=0" + settings;
        compactH2(url, Path.of(file + ".mv.db"));
        HikariDataSource pool = new HikariDataSource(poolConfig(url, "connector", "", H2_POOL_SIZE, false));
        return new Database(pool, Dialect.H2, pool, H2_POOL_SIZE).createSchema().startH2Housekeeping();
    }

    /**
     * Drops the pool's connections when {@code failure} says H2 closed its store: a write that fails (its volume full)
     * closes it for good, and each session of it answers every statement "database closed" from then on, no connection
     * error (SQL state 08) that would make Hikari drop it. New connections open the file again: the store works once
     * writes can. Those in use go when they are given back.
     */
    public void dropConnectionsOfAClosedStore(SQLException failure) {
        boolean closed = failure.getErrorCode() == ErrorCode.DATABASE_IS_CLOSED || failure.getErrorCode() == ErrorCode.DATABASE_CALLED_AT_SHUTDOWN;
        if (closed && dialect == Dialect.H2 && pool instanceof HikariDataSource hikari && hikari.getHikariPoolMXBean() != null) {
            hikari.getHikariPoolMXBean().softEvictConnections();
        }
    }

    private Database startH2Housekeeping() {
        housekeeping = Executors.newSingleThreadScheduledExecutor(BackgroundWork.normalPriority("state-store-housekeeping"));
        housekeeping.scheduleWithFixedDelay(this::rewriteSparseChunks, 1, 1, TimeUnit.SECONDS);
        return this;
    }

    /**
     * H2 rewrites the live pages of its sparsely used chunks, so that the rest of them is freed and its space reused,
     * only in the background writer that a write delay starts. With WRITE_DELAY=0 this does it instead, once a second,
     * under H2's store lock as that writer does: the file then holds the live data and the chunks of H2's retention
     * time (45 s of commits) instead of growing by every commit. Only the rewrite, not H2's moving of chunks within the
     * file: that one fails an assertion of H2 2.3 while others commit.
     */
    void rewriteSparseChunks() {
        try (Connection connection = dataSource.getConnection()) {
            SessionLocal session = (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
            session.getDatabase().getStore().getMvStore().compact(H2_REWRITE_BELOW_FILL_PERCENT, H2_REWRITE_BYTES);
            if (housekeepingFailed) {
                LOG.info("The state store's housekeeping works again");
            }
            housekeepingFailed = false;
        } catch (SQLException | RuntimeException e) {
            if (!housekeepingFailed) {
                LOG.warn("The state store's housekeeping failed (logged again once it has worked): {}", e.getMessage());
            }
            housekeepingFailed = true;
        }
    }

    /**
     * With WRITE_DELAY=0 H2 writes every commit as a chunk of the file of its own. While the store is open,
     * {@link #rewriteSparseChunks} lets H2 reuse the space of old chunks, but the file seldom shrinks: moving chunks
     * within an open file while others commit is not safe in H2 2.3 (an assertion in its chunk moves fails and H2
     * closes the database). So the file is compacted whole before the store opens: about a second per GB of it.
     * H2 copies the live data to a new file and then replaces the old one, so a kill meanwhile leaves the old file
     * as it was. Compacting needs room for that copy: where it fails (a full volume) the store opens as it is, as it
     * did before compacting at start existed.
     */
    private static void compactH2(String url, Path storeFile) {
        if (!Files.exists(storeFile)) {
            return;
        }
        try (Connection connection = DriverManager.getConnection(url, "connector", ""); Statement statement = connection.createStatement()) {
            try (ResultSet sessions = statement.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
                // open already in this process (another Database on the same file): shutting it down would close it under them
                if (sessions.next() && sessions.getLong(1) > 1) {
                    return;
                }
            }
            long before = Files.size(storeFile);
            long started = System.nanoTime();
            statement.execute("SHUTDOWN COMPACT");
            LOG.info("Compacted the state store {} from {} MB to {} MB in {} ms", storeFile, before >> 20, Files.size(storeFile) >> 20,
                    (System.nanoTime() - started) / 1_000_000);
        } catch (SQLException | IOException e) {
            LOG.warn("Could not compact the state store {}, opening it as it is: {}", storeFile, e.getMessage());
        }
    }

    /**
     * A PostgreSQL database every replica shares.
     *
     * @param timeout the longest a statement may take: the database cancels it then ({@code statement_timeout}), and a
     *        database that does not answer at all (its node lost, a network partition, a frozen primary: the connection
     *        stays open, and with nothing left to send the operating system keeps it for ever) loses the connection a few
     *        seconds later ({@code socketTimeout}), instead of holding the statement, its request and the pool. A
     *        {@code socketTimeout} in the URL wins. A transaction idle for as long ends too
     *        ({@code idle_in_transaction_session_timeout}): one that holds an agent's lock ({@link #exclusively}) while its
     *        replica is lost mid-login, with nothing left to send that would tell the database, would otherwise hold the
     *        lock for as long as the server's keepalive takes to notice, hours.
     */
    public static Database postgresql(String url, String username, String password, int poolSize, Duration timeout) {
        HikariConfig config = poolConfig(url, username, password, poolSize, true);
        config.setConnectionInitSql("SET statement_timeout = " + timeout.toMillis() + "; SET idle_in_transaction_session_timeout = " + timeout.toMillis());
        // the database's own cancel comes first where it can answer: it says whether the statement ran
        config.addDataSourceProperty("socketTimeout", String.valueOf(timeout.plusSeconds(5).toSeconds()));
        HikariDataSource pool = new HikariDataSource(config);
        return new Database(pool, Dialect.POSTGRESQL, pool, poolSize).createSchema();
    }

    /** @param waitForDatabase start even while the database is away (a shared one); false: fail at once (a file that cannot be opened) */
    private static HikariConfig poolConfig(String url, String username, String password, int poolSize, boolean waitForDatabase) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(username);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("connector-database");
        // the pool adds connections on a thread that whichever thread borrowed one last may start, maybe one of
        // backgroundWork's (lowest priority): a request that waits for a new connection must not wait for that priority
        config.setThreadFactory(BackgroundWork.normalPriority("connector-database-pool"));
        // a replica whose database is briefly away still starts; the first query then waits for it
        config.setInitializationFailTimeout(waitForDatabase ? -1 : 1);
        return config;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** True when several replicas may share this store. */
    public boolean shared() {
        return dialect == Dialect.POSTGRESQL;
    }

    /**
     * Inserts a row, or updates its non-key columns when a row with the same key exists, in one
     * atomic statement. {@code columns} start with the {@code keys}; {@code values} follow {@code columns}.
     */
    public int merge(String table, List<String> keys, List<String> columns, Object... values) {
        return update(mergeSql(table, keys, columns), values);
    }

    private String mergeSql(String table, List<String> keys, List<String> columns) {
        String placeholders = columns.stream().map(c -> "?").collect(Collectors.joining(", "));
        return switch (dialect) {
            case H2 -> "MERGE INTO " + table + " (" + String.join(", ", columns) + ") KEY (" + String.join(", ", keys) + ") VALUES ("
                    + placeholders + ")";
            case POSTGRESQL -> "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES (" + placeholders + ") ON CONFLICT ("
                    + String.join(", ", keys) + ") DO UPDATE SET " + columns.stream().filter(c -> !keys.contains(c))
                    .map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "));
        };
    }

    /**
     * {@link #merge} for many rows in one batched statement and one transaction: all rows are written or none.
     * Each row holds the values of the {@code columns}.
     */
    public void mergeAll(String table, List<String> keys, List<String> columns, List<Object[]> rows) {
        String sql = mergeSql(table, keys, columns);
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            connection.setAutoCommit(false);
            try {
                for (Object[] row : rows) {
                    for (int i = 0; i < row.length; i++) {
                        statement.setObject(i + 1, row[i]);
                    }
                    statement.addBatch();
                }
                statement.executeBatch();
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    /**
     * Runs the work while this replica holds the named lock, which every replica sharing the
     * database honours (a PostgreSQL advisory lock of the transaction, released at its end; the
     * work's own statements run on other connections). On H2, one node's own store, the work just runs.
     */
    public <T> T exclusively(String lock, Supplier<T> work) {
        if (dialect != Dialect.POSTGRESQL) {
            return work.get();
        }
        lockHolders.acquireUninterruptibly();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                statement.setLong(1, lockKey(lock));
                statement.execute();
                return work.get();
            } finally {
                connection.commit();
            }
        } catch (SQLException e) {
            throw failed("SELECT pg_advisory_xact_lock", e);
        } finally {
            lockHolders.release();
        }
    }

    /** Inserts a row; false when a row with its key exists already (nothing is written then). */
    public boolean insertNew(String sql, Object... values) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = prepare(connection, sql, values)) {
            return statement.executeUpdate() > 0;
        } catch (SQLException e) {
            if (duplicateKey(e)) {
                return false;
            }
            throw failed(sql, e);
        }
    }

    /**
     * Copies every row of {@code source}'s tables into this store, in one transaction, unless this store holds state
     * already: one node's H2 store into the PostgreSQL database its replicas go on with ({@code connector.database.copy-from}),
     * so that they find its checkpoints, delivered ids, correlations, backfills and dead letters. Answers the rows copied
     * by table; empty when this store held state already, and nothing was copied.
     */
    public Optional<Map<String, Integer>> copyFrom(Database source) {
        try (Connection from = source.dataSource.getConnection(); Connection to = dataSource.getConnection()) {
            to.setAutoCommit(false);
            if (dialect == Dialect.POSTGRESQL) {
                // held by the copy's own transaction, busy all along: a lock on a connection idle meanwhile would end with
                // idle_in_transaction_session_timeout during a long copy
                try (PreparedStatement lock = to.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    lock.setLong(1, lockKey("state copy"));
                    lock.execute();
                }
            }
            if (holdsState(to)) {
                to.rollback();
                return Optional.empty();
            }
            Map<String, Integer> copied = new LinkedHashMap<>();
            for (String table : tables()) {
                copied.put(table, copyTable(from, to, table));
            }
            to.commit();
            return Optional.of(copied);
        } catch (SQLException e) {
            throw failed("INSERT", e);
        }
    }

    private static List<String> tables() {
        return SCHEMA.stream().filter(part -> part.column() == null && part.index() == null).map(SchemaPart::table).toList();
    }

    private static boolean holdsState(Connection connection) throws SQLException {
        for (String table : tables()) {
            try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("SELECT 1 FROM " + table + " LIMIT 1")) {
                if (row.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int copyTable(Connection from, Connection to, String table) throws SQLException {
        try (Statement select = from.createStatement(); ResultSet rows = select.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData meta = rows.getMetaData();
            List<String> columns = new ArrayList<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.add(meta.getColumnName(i));
            }
            String insert = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
                    + String.join(", ", Collections.nCopies(columns.size(), "?")) + ")";
            int copied = 0;
            try (PreparedStatement statement = to.prepareStatement(insert)) {
                while (rows.next()) {
                    for (int i = 1; i <= columns.size(); i++) {
                        statement.setObject(i, rows.getObject(i));
                    }
                    statement.addBatch();
                    if (++copied % COPY_BATCH == 0) {
                        statement.executeBatch();
                    }
                }
                statement.executeBatch();
            }
            return copied;
        }
    }

    /**
     * Forces what the store has committed to the disk, for a row that is the only copy of what it holds (a dead letter,
     * whose message is acknowledged next). H2 writes each commit to its file but leaves writing it to the disk to the
     * system, which a machine that loses power may not have done yet: {@code CHECKPOINT SYNC}. A PostgreSQL commit is on
     * the disk already (its default {@code synchronous_commit}).
     */
    public void forceToDisk() {
        if (dialect == Dialect.H2) {
            update("CHECKPOINT SYNC");
        }
    }

    public int update(String sql, Object... values) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = prepare(connection, sql, values)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    /** The database's clock: with several replicas, the time they share whatever their own clocks say. */
    public Instant now() {
        return one("SELECT CURRENT_TIMESTAMP", row -> row.getObject(1, OffsetDateTime.class).toInstant())
                .orElseThrow(() -> new IllegalStateException("the database answered no time"));
    }

    public <T> Optional<T> one(String sql, Row<T> row, Object... values) {
        List<T> rows = list(sql, row, values);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public <T> List<T> list(String sql, Row<T> row, Object... values) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = prepare(connection, sql, values);
             ResultSet rows = statement.executeQuery()) {
            List<T> found = new ArrayList<>();
            while (rows.next()) {
                found.add(row.read(rows));
            }
            return found;
        } catch (SQLException e) {
            throw failed(sql, e);
        }
    }

    @Override
    public void close() throws Exception {
        if (housekeeping != null) {
            // not shutdownNow: an interrupt amid H2's file access would close its file channel under the store
            housekeeping.shutdown();
            housekeeping.awaitTermination(10, TimeUnit.SECONDS);
        }
        pool.close();
    }

    /** A duplicate key: SQL state 23505 in both databases. */
    public static boolean duplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /**
     * Creates what the schema lacks, each part in a transaction of its own, and nothing else: a replica that starts on
     * the current schema (a restart, a rolling update) takes no table's lock. The DDL of a missing column or index takes
     * its table's lock until commit and queues behind any transaction on the table, and the others' statements on it
     * queue behind the DDL: so on PostgreSQL it waits at most {@link #DDL_LOCK_TIMEOUT} and is tried again a little later.
     */
    private Database createSchema() {
        try (Connection lock = dataSource.getConnection(); Connection connection = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            if (dialect == Dialect.POSTGRESQL) {
                // replicas starting together create the schema one after the other; released at the lock connection's commit.
                // Its transaction idles while the other connection creates the parts, which may wait for tables' locks
                // longer than idle_in_transaction_session_timeout (connector.database.timeout): no bound on this one
                try (Statement statement = lock.createStatement()) {
                    statement.execute("SET LOCAL idle_in_transaction_session_timeout = 0");
                    statement.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")");
                }
            }
            connection.setAutoCommit(false);
            Catalog catalog = catalog(connection);
            for (SchemaPart part : SCHEMA) {
                if (!part.in(catalog)) {
                    create(connection, part);
                }
            }
            lock.commit();
            return this;
        } catch (SQLException e) {
            throw new IllegalStateException("the connector's database cannot be prepared: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the connector's database cannot be prepared: interrupted", e);
        }
    }

    private void create(Connection connection, SchemaPart part) throws SQLException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try (Statement statement = connection.createStatement()) {
                if (dialect == Dialect.POSTGRESQL) {
                    statement.execute("SET LOCAL lock_timeout = " + DDL_LOCK_TIMEOUT.toMillis());
                }
                statement.execute(part.ddl());
                connection.commit();
                return;
            } catch (SQLException e) {
                connection.rollback();
                if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                    throw e;
                }
                if (attempt == DDL_ATTEMPTS) {
                    throw new SQLException("the " + part + " cannot be created: another transaction held table " + part.table()
                            + " all along " + DDL_ATTEMPTS + " attempts of " + DDL_LOCK_TIMEOUT.toSeconds() + " s", e.getSQLState(), e);
                }
                LOG.warn("Creating the {} of the state store waited {} s for another transaction on table {}; trying again in {} s",
                        part, DDL_LOCK_TIMEOUT.toSeconds(), part.table(), attempt);
                Thread.sleep(attempt * 1000L);
            }
        }
    }

    /** What the connection's schema holds, from the database's catalog (the same on H2 and PostgreSQL). */
    private static Catalog catalog(Connection connection) throws SQLException {
        DatabaseMetaData metaData = connection.getMetaData();
        String schema = connection.getSchema();
        Set<String> tables = new HashSet<>();
        Set<String> columns = new HashSet<>();
        Set<String> indexes = new HashSet<>();
        try (ResultSet found = metaData.getColumns(null, schema, "%", "%")) {
            while (found.next()) {
                tables.add(upper(found.getString("TABLE_NAME")));
                columns.add(upper(found.getString("TABLE_NAME") + "." + found.getString("COLUMN_NAME")));
            }
        }
        // a table's name as the database stores it: upper case on H2, lower case on PostgreSQL
        Set<String> indexed = SCHEMA.stream().filter(part -> part.index() != null && tables.contains(upper(part.table())))
                .map(SchemaPart::table).collect(Collectors.toSet());
        for (String table : indexed) {
            String stored = metaData.storesLowerCaseIdentifiers() ? table.toLowerCase(Locale.ROOT) : upper(table);
            try (ResultSet found = metaData.getIndexInfo(null, schema, stored, false, true)) {
                while (found.next()) {
                    if (found.getString("INDEX_NAME") != null) {
                        indexes.add(upper(found.getString("INDEX_NAME")));
                    }
                }
            }
        }
        connection.commit();
        return new Catalog(tables, columns, indexes);
    }

    private static String upper(String name) {
        return name.toUpperCase(Locale.ROOT);
    }

    /** A 64-bit key of the lock's name (FNV-1a). */
    private static long lockKey(String lock) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : lock.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        return hash;
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... values) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < values.length; i++) {
            statement.setObject(i + 1, values[i]);
        }
        return statement;
    }

    private StateStoreException failed(String sql, SQLException e) {
        dropConnectionsOfAClosedStore(e);
        // SQL state classes 22 (data exception) and 23 (integrity constraint violation), the same in H2 and PostgreSQL
        boolean refused = e.getSQLState() != null && (e.getSQLState().startsWith("22") || e.getSQLState().startsWith("23"));
        return new StateStoreException("the connector's database failed (" + sql.split(" ", 2)[0] + "): " + e.getMessage(), e, refused);
    }

    @Override
    public String toString() {
        return "Database[" + dialect + "]";
    }
}
