package dev.bus.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.init.PlatformPlaceholderDatabaseDriverResolver;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;

/**
 * Creates the table of one of Bus's JDBC stores the way Spring Boot creates its own
 * (Spring Session's, Spring Batch's): from the script for the database's platform
 * ({@code dev/bus/jdbc/<store>-schema-<platform>.sql}; PostgreSQL, MySQL (MariaDB uses
 * it) and H2 are shipped), according to a {@link DatabaseInitializationMode}, so by
 * default only in an embedded database and never as a side effect in production. It is a
 * {@link DataSourceScriptDatabaseInitializer}, so Boot orders beans that depend on
 * database initialization after it.
 *
 * <p>
 * The one thing Boot's runner cannot do is name the table: the scripts say
 * {@code ${table}} (and {@code ${table_id}}, the name usable inside an index name),
 * replaced here by the configured, validated name.
 */
public class BusSchemaInitializer extends DataSourceScriptDatabaseInitializer {

	/**
	 * Boot's initializer this extends: on the classpath with {@code spring-boot-jdbc}.
	 */
	public static final String DATABASE_INITIALIZER = "org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer";

	private final String table;

	/**
	 * @param dataSource where the table goes
	 * @param store {@code outbox} or {@code inbox}: which scripts
	 * @param table the table's name, already validated ({@link TableNames})
	 * @param mode when to run the script
	 */
	public BusSchemaInitializer(DataSource dataSource, String store, String table, DatabaseInitializationMode mode) {
		super(dataSource, settings(dataSource, store, mode));
		this.table = table;
	}

	private static DatabaseInitializationSettings settings(DataSource dataSource, String store,
			DatabaseInitializationMode mode) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setMode(mode);
		if (mode != DatabaseInitializationMode.NEVER) {
			// MariaDB takes MySQL's scripts, as it does for Spring Boot's own schemas.
			settings.setSchemaLocations(
					new PlatformPlaceholderDatabaseDriverResolver().withDriverPlatform(DatabaseDriver.MARIADB, "mysql")
						.resolveAll(dataSource, "classpath:dev/bus/jdbc/" + store + "-schema-@@platform@@.sql"));
		}
		return settings;
	}

	@Override
	protected void runScripts(Scripts scripts) {
		Charset encoding = (scripts.getEncoding() != null) ? scripts.getEncoding() : StandardCharsets.UTF_8;
		List<Resource> named = new ArrayList<>();
		for (Resource script : scripts) {
			named.add(new ByteArrayResource(withTableName(script, encoding).getBytes(StandardCharsets.UTF_8),
					script.getDescription()));
		}
		super.runScripts(new Scripts(named).continueOnError(scripts.isContinueOnError())
			.separator(scripts.getSeparator())
			.encoding(StandardCharsets.UTF_8));
	}

	private String withTableName(Resource script, Charset encoding) {
		try {
			return script.getContentAsString(encoding)
				.replace("${table_id}", this.table.replace('.', '_'))
				.replace("${table}", this.table);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + script.getDescription(), ex);
		}
	}

}
