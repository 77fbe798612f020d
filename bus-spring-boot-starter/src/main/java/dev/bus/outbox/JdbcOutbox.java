package dev.bus.outbox;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

import dev.bus.core.batch.BatchCodec;
import dev.bus.core.batch.BatchEntry;
import dev.bus.jdbc.TableNames;
import dev.bus.transport.Envelope;
import dev.bus.transport.WireCodec;

/**
 * The outbox table: envelopes written in the caller's database transaction, read back by
 * the relay.
 *
 * <p>
 * An envelope is stored as its topic, message id and its {@link BatchEntry} encoding
 * (properties as headers plus body), the same self-describing form a batch uses, so the
 * row needs no schema change when headers do.
 */
public class JdbcOutbox {

	private final JdbcTemplate jdbc;

	private final String table;

	private final Clock clock;

	public JdbcOutbox(JdbcTemplate jdbc, String table, Clock clock) {
		this.jdbc = jdbc;
		this.table = TableNames.require(table, "bus.outbox.jdbc.table");
		this.clock = clock;
	}

	/**
	 * Writes an envelope; joins the caller's transaction when there is one on the same
	 * DataSource.
	 */
	public void add(Envelope envelope) {
		this.jdbc.update("insert into " + this.table + " (topic, message_id, envelope, created_at) values (?, ?, ?, ?)",
				envelope.topic(), envelope.messageId(), BatchCodec.encode(List.of(WireCodec.toBatchEntry(envelope))),
				Timestamp.from(this.clock.instant()));
	}

	/**
	 * Locks and returns up to {@code limit} of the oldest rows, skipping rows another
	 * relay has locked. Call inside a transaction; the locks hold until it ends.
	 */
	public List<Row> lockOldest(int limit) {
		return this.jdbc.query("select id, topic, message_id, envelope, created_at from " + this.table
				+ " order by id limit ? for update skip locked", ROW, limit);
	}

	/** Removes sent rows. */
	public void delete(List<Row> rows) {
		this.jdbc.batchUpdate("delete from " + this.table + " where id = ?",
				rows.stream().map((row) -> new Object[] { row.id() }).toList());
	}

	/** Rows not yet sent. */
	public long pending() {
		Long count = this.jdbc.queryForObject("select count(*) from " + this.table, Long.class);
		return (count != null) ? count : 0;
	}

	private static final RowMapper<Row> ROW = (resultSet, rowNumber) -> {
		BatchEntry entry = BatchCodec.decode(resultSet.getBytes("envelope")).get(0);
		return new Row(resultSet.getLong("id"),
				WireCodec.fromBatchEntry(resultSet.getString("topic"), resultSet.getString("message_id"), entry),
				resultSet.getTimestamp("created_at").toInstant());
	};

	/**
	 * One stored message.
	 *
	 * @param id row id
	 * @param envelope the message
	 * @param createdAt when the transaction wrote it
	 */
	public record Row(long id, Envelope envelope, java.time.Instant createdAt) {
	}

}
