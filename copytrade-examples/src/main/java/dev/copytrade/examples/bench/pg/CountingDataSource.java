package dev.copytrade.examples.bench.pg;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Counts what the client asks of the database, so "statements per trade" and "commits per trade"
 * are measured on the wire side rather than read off the code: pool checkouts, executed statements,
 * and commits (an executed statement on an auto-commit connection, or an explicit commit).
 */
final class CountingDataSource implements DataSource {
    /** Totals at one moment; subtract two to get what happened in between. */
    record Counts(long checkouts, long statements, long commits) {
        Counts minus(Counts earlier) {
            return new Counts(checkouts - earlier.checkouts, statements - earlier.statements,
                    commits - earlier.commits);
        }
    }

    private final DataSource delegate;
    private final LongAdder checkouts = new LongAdder();
    private final LongAdder statements = new LongAdder();
    private final LongAdder commits = new LongAdder();

    CountingDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    Counts snapshot() {
        return new Counts(checkouts.sum(), statements.sum(), commits.sum());
    }

    @Override
    public Connection getConnection() throws SQLException {
        return counted(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        return counted(delegate.getConnection(user, password));
    }

    private Connection counted(Connection c) {
        checkouts.increment();
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, m, args) -> {
                    Object r = call(c, m, args);
                    if (m.getName().equals("commit")) {
                        commits.increment();
                    } else if (r instanceof Statement s) {
                        return countedStatement(c, s, m.getReturnType());
                    }
                    return r;
                });
    }

    private Object countedStatement(Connection c, Statement s, Class<?> type) {
        Class<?> iface = type == CallableStatement.class ? CallableStatement.class
                : type == PreparedStatement.class ? PreparedStatement.class : Statement.class;
        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {iface}, (proxy, m, args) -> {
            Object r = call(s, m, args);
            if (m.getName().startsWith("execute")) {
                statements.increment();
                if (c.getAutoCommit()) {
                    commits.increment();
                }
            }
            return r;
        });
    }

    private static Object call(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return delegate.isWrapperFor(iface);
    }
}
