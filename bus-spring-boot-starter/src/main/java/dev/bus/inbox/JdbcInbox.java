package dev.bus.inbox;

import java.lang.reflect.InvocationTargetException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import dev.bus.jdbc.TableNames;

/**
 * An {@link Inbox} in a database table, shared by every instance and kept across restarts
 * (PostgreSQL tested).
 *
 * <p>
 * The inbox row is inserted in the same transaction as the handler runs in: the insert
 * either claims the message or, when another delivery already committed it, inserts
 * nothing and the handler is skipped. A concurrent duplicate waits on the row lock until
 * the first delivery commits or rolls back. If the handler writes to the same database
 * through Spring's transaction management, its writes and the inbox row commit or roll
 * back together: an exactly-once effect. A handler failure rolls the row back, so the
 * retry runs again.
 */
public class JdbcInbox implements Inbox {

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final String table;

	private final Clock clock;

	public JdbcInbox(JdbcTemplate jdbc, TransactionTemplate transactions, String table, Clock clock) {
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.table = TableNames.require(table, "bus.inbox.jdbc.table");
		this.clock = clock;
	}

	@Override
	public boolean process(String consumer, String messageId, Handler handler) throws InvocationTargetException {
		try {
			Boolean processed = this.transactions.execute((status) -> {
				try {
					this.jdbc.update(
							"insert into " + this.table + " (consumer, message_id, processed_at) values (?, ?, ?)",
							consumer, messageId, Timestamp.from(this.clock.instant()));
				}
				catch (DuplicateKeyException ex) {
					// Processed before (or by a concurrent instance that has committed).
					// A plain insert rather than
					// PostgreSQL's "on conflict do nothing" works on every database;
					// PostgreSQL aborts the
					// transaction on the duplicate, so it is rolled back, having done
					// nothing.
					status.setRollbackOnly();
					return false;
				}
				try {
					handler.handle();
				}
				catch (InvocationTargetException ex) {
					throw new HandlerFailed(ex);
				}
				return true;
			});
			return Boolean.TRUE.equals(processed);
		}
		catch (HandlerFailed ex) {
			throw ex.failure;
		}
	}

	/**
	 * Deletes rows older than the retention.
	 * @return rows deleted
	 */
	public int deleteOlderThan(Duration retention) {
		return this.jdbc.update("delete from " + this.table + " where processed_at < ?",
				Timestamp.from(this.clock.instant().minus(retention)));
	}

	/**
	 * Carries the handler's failure out of the transaction callback, rolling the
	 * transaction back.
	 */
	private static final class HandlerFailed extends RuntimeException {

		private final transient InvocationTargetException failure;

		HandlerFailed(InvocationTargetException failure) {
			super(null, failure, false, false);
			this.failure = failure;
		}

	}

}
