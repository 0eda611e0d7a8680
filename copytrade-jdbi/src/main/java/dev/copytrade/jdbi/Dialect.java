package dev.copytrade.jdbi;

import dev.copytrade.core.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;

/** The SQL dialects the JDBI store speaks. PostgreSQL is the target; H2 is a light extra for tests. */
public enum Dialect {
    POSTGRESQL("postgresql"),
    H2("h2");

    private final String folder;

    Dialect(String folder) {
        this.folder = folder;
    }

    /** The classpath folder of this dialect's migrations. */
    public String migrationFolder() {
        return "db/copytrade/" + folder;
    }

    /** Asks the database which it is. */
    public static Dialect detect(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("postgres")) {
                return POSTGRESQL;
            }
            if (product.contains("h2")) {
                return H2;
            }
            throw new StoreException("unsupported database '" + product + "': copytrade-jdbi speaks PostgreSQL and H2");
        } catch (SQLException e) {
            throw new StoreException("cannot connect to detect the database dialect: " + e.getMessage(), e);
        }
    }
}
