package dev.bus.autoconfigure;

import java.time.Duration;

import org.springframework.validation.Errors;

import static dev.bus.autoconfigure.PropertyChecks.atLeast;
import static dev.bus.autoconfigure.PropertyChecks.positive;
import static dev.bus.autoconfigure.PropertyChecks.reject;

/** The inbox of idempotent listeners ({@code @BusListener(idempotent = true)}). */
public class InboxProperties {

	/**
	 * Where processed message ids are kept: memory (per instance, bounded) or jdbc (a
	 * table in the application's DataSource, shared by all instances; needs spring-jdbc
	 * and a DataSource).
	 */
	private Store store = Store.MEMORY;

	private final Jdbc jdbc = new Jdbc();

	public Store getStore() {
		return this.store;
	}

	public void setStore(Store store) {
		this.store = store;
	}

	public Jdbc getJdbc() {
		return this.jdbc;
	}

	/**
	 * In-memory inbox: most message ids remembered; the oldest are forgotten first.
	 */
	private int maxEntries = 100_000;

	/**
	 * How long a processed message id is remembered.
	 */
	private Duration retention = Duration.ofHours(24);

	public int getMaxEntries() {
		return this.maxEntries;
	}

	public void setMaxEntries(int maxEntries) {
		this.maxEntries = maxEntries;
	}

	public Duration getRetention() {
		return this.retention;
	}

	public void setRetention(Duration retention) {
		this.retention = retention;
	}

	/** Where the inbox keeps processed message ids. */
	public enum Store {

		/** In this instance's memory, bounded by {@code bus.inbox.max-entries}. */
		MEMORY,
		/** A table in the application's DataSource, shared by all instances. */
		JDBC

	}

	/** Checks the values at binding time, under {@code bus.inbox}. */
	void validate(Errors errors) {
		atLeast(errors, "maxEntries", getMaxEntries(), 1);
		positive(errors, "retention", getRetention());
		if (getStore() == null) {
			reject(errors, "store", "value", "must be memory or jdbc");
		}
		positive(errors, "jdbc.cleanupInterval", getJdbc().getCleanupInterval());
	}

	/** The JDBC inbox. */
	public static class Jdbc {

		/**
		 * Table holding processed message ids.
		 */
		private String table = "bus_inbox";

		/**
		 * When to create the table (and its index) from the script for the database's
		 * platform, as Spring Boot's own schemas: embedded (only in an embedded
		 * database), always, or never (create it with your migrations; the scripts are in
		 * the starter's jar under dev/bus/jdbc/).
		 */
		private SchemaInitialization initializeSchema = SchemaInitialization.EMBEDDED;

		/**
		 * How often rows older than the retention are deleted.
		 */
		private Duration cleanupInterval = Duration.ofMinutes(10);

		public String getTable() {
			return this.table;
		}

		public void setTable(String table) {
			this.table = table;
		}

		public SchemaInitialization getInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(SchemaInitialization initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

		public Duration getCleanupInterval() {
			return this.cleanupInterval;
		}

		public void setCleanupInterval(Duration cleanupInterval) {
			this.cleanupInterval = cleanupInterval;
		}

	}

}
