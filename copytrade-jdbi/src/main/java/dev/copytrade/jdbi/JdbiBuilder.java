package dev.copytrade.jdbi;

import dev.copytrade.core.model.InvalidInputException;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;

/**
 * What every JDBI-backed component is built from. Defaults: dialect detected from the database,
 * tables {@link TableNames#defaults()}, no migration.
 */
abstract class JdbiBuilder<B extends JdbiBuilder<B, T>, T> {
    private final DataSource dataSource;
    private Dialect dialect;
    private TableNames names = TableNames.defaults();
    private boolean migrate;

    JdbiBuilder(DataSource dataSource) {
        this.dataSource = InvalidInputException.requireNonNull("dataSource", dataSource);
    }

    abstract B self();

    /** For components that hold a connection of their own for a while (the mutex's leases). */
    DataSource dataSource() {
        return dataSource;
    }

    abstract T create(Jdbi jdbi, Dialect dialect, TableNames names);

    public B dialect(Dialect dialect) {
        this.dialect = InvalidInputException.requireNonNull("dialect", dialect);
        return self();
    }

    public B tableNames(TableNames names) {
        this.names = InvalidInputException.requireNonNull("tableNames", names);
        return self();
    }

    /** Run the built-in migrator at build (safe with several processes starting at once on PostgreSQL). */
    public B migrate(boolean migrate) {
        this.migrate = migrate;
        return self();
    }

    public T build() {
        Dialect d = dialect != null ? dialect : Dialect.detect(dataSource);
        Jdbi jdbi = Jdbi.create(dataSource);
        if (migrate) {
            CopyTradeSchema.migrate(jdbi, d, names);
        }
        return create(jdbi, d, names);
    }

    /** The innermost cause's message: what the database said, without JDBI's wrapping. */
    static String rootMessage(Throwable e) {
        return dev.copytrade.jdbi.internal.Retry.rootMessage(e);
    }
}
