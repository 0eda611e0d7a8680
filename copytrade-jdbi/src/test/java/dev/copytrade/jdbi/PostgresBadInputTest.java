package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Bad input at the door on PostgreSQL: "nothing half-written" proven on the real store, where a value
 * the database cannot hold (a NUL, a year it cannot store) would otherwise fail at every trade.
 */
class PostgresBadInputTest extends JdbiBadInputContract {
    @Override
    protected HikariDataSource newPool() {
        return SharedPostgres.newPool(8);
    }

    @Override
    protected TableNames tables() {
        return SharedPostgres.freshTables();
    }
}
