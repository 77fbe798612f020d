package dev.bus.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * The real MariaDB on 127.0.0.1:3306, database {@code bus}, user {@code bus}, as
 * {@code scripts/infra up} provides it (Debian's {@code mariadb-server}).
 */
public final class MariaDb {

	/** Properties pointing an application at it. */
	public static final String[] PROPERTIES = { "spring.datasource.url=jdbc:mariadb://127.0.0.1:3306/bus",
			"spring.datasource.username=bus", "spring.datasource.password=bus" };

	private MariaDb() {
	}

	public static void requireRunning() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", 3306), 2000);
		}
		catch (IOException ex) {
			throw new AssertionError(
					"MariaDB is not running on 127.0.0.1:3306. Start the test infrastructure with: scripts/infra up",
					ex);
		}
	}

}
