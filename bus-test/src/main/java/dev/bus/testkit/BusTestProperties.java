package dev.bus.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The test kit's settings, {@code bus.test.*}. */
@ConfigurationProperties("bus.test")
public class BusTestProperties {

	/**
	 * How long the harness's awaits wait unless a test says otherwise ({@code within}).
	 */
	private Duration awaitTimeout = Duration.ofSeconds(10);

	private final Issuer issuer = new Issuer();

	private final Broker broker = new Broker();

	public Duration getAwaitTimeout() {
		return this.awaitTimeout;
	}

	public void setAwaitTimeout(Duration awaitTimeout) {
		this.awaitTimeout = awaitTimeout;
	}

	public Issuer getIssuer() {
		return this.issuer;
	}

	public Broker getBroker() {
		return this.broker;
	}

	/** The test's own issuer of per-message tokens. */
	public static class Issuer {

		/**
		 * Whether per-message tokens come from the test's own issuer (a key in memory)
		 * instead of the one the application is configured for.
		 */
		private boolean enabled = true;

		/**
		 * The scopes of the tokens the test issuer gives the application for its own
		 * publishes.
		 */
		private List<String> scopes = new ArrayList<>(List.of("bus.publish:#"));

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public List<String> getScopes() {
			return this.scopes;
		}

		public void setScopes(List<String> scopes) {
			this.scopes = scopes;
		}

	}

	/** The application as the in-process broker knows it. */
	public static class Broker {

		/**
		 * The broker user the application is in-process (its messages' user_id); by
		 * default the user it connects as (spring.rabbitmq.username).
		 */
		private String user;

		/**
		 * RabbitMQ write scopes of the application's broker user in-process
		 * (rabbitmq.write:<vhost>/<exchange>/<routing key glob>); empty lets it publish
		 * anywhere.
		 */
		private List<String> scopes = new ArrayList<>();

		public String getUser() {
			return this.user;
		}

		public void setUser(String user) {
			this.user = user;
		}

		public List<String> getScopes() {
			return this.scopes;
		}

		public void setScopes(List<String> scopes) {
			this.scopes = scopes;
		}

	}

}
