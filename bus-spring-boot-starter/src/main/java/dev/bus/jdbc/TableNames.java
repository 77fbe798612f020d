package dev.bus.jdbc;

import java.util.regex.Pattern;

/**
 * Table names for Bus's JDBC stores come from configuration and are spliced into SQL, so
 * they are checked to be plain (optionally schema-qualified) identifiers first.
 */
public final class TableNames {

	private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

	private TableNames() {
	}

	/**
	 * Returns the name when it is a plain identifier.
	 * @param property the property it came from, for the error message
	 * @throws IllegalArgumentException naming the property otherwise
	 */
	public static String require(String name, String property) {
		if (name == null || !IDENTIFIER.matcher(name).matches()) {
			throw new IllegalArgumentException(property + " '" + name + "' is not a valid table name");
		}
		return name;
	}

}
