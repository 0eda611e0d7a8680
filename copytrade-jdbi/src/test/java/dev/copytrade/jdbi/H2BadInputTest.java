package dev.copytrade.jdbi;

import com.zaxxer.hikari.HikariDataSource;

/** Bad input at the door on H2, the light dialect: a value the database cannot hold must be refused at the door here too. */
class H2BadInputTest extends JdbiBadInputContract {
    @Override
    protected HikariDataSource newPool() {
        return H2.newPool();
    }

    @Override
    protected TableNames tables() {
        return TableNames.defaults();
    }
}
