package dev.bus.autoconfigure;

/**
 * When Bus creates its tables: Spring Boot's {@code DatabaseInitializationMode}, mirrored
 * here because that type lives in a module an application without JDBC does not have.
 */
public enum SchemaInitialization {

	/** Only in an embedded database. */
	EMBEDDED,
	/** Always (the scripts create the table only if it does not exist). */
	ALWAYS,
	/** Never: the application's migrations create it. */
	NEVER

}
