package dev.bus.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.eclipse.paho.client.mqttv3.DisconnectedBufferOptions;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Devices on the secured node's MQTT listener ({@code scripts/infra}: the RabbitMQ MQTT
 * plugin on 127.0.0.1:1885, publishing to and subscribing from the {@code bus} exchange),
 * as real MQTT 3.1.1 clients (Eclipse Paho).
 */
public final class MqttDevices {

	/** The MQTT listener of the secured node; 1883 is Mosquitto's on these machines. */
	public static final int PORT = 1885;

	private MqttDevices() {
	}

	/**
	 * A connected device with a clean session, logged in as the node's internal
	 * administrator.
	 */
	public static MqttClient connect(String clientId) {
		return connect(clientId, options(true));
	}

	/**
	 * A connected device with a clean session, logged in with an OAuth2 access token as
	 * its password (the broker's OAuth2 backend does not read the username).
	 */
	public static MqttClient connect(String clientId, String accessToken) {
		MqttConnectOptions options = options(true);
		options.setUserName("device");
		options.setPassword(accessToken.toCharArray());
		return connect(clientId, options);
	}

	private static MqttClient connect(String clientId, MqttConnectOptions options) {
		requireRunning();
		try {
			MqttClient client = new MqttClient("tcp://127.0.0.1:" + PORT, clientId, new MemoryPersistence());
			client.connect(options);
			return client;
		}
		catch (MqttException ex) {
			throw new AssertionError("Cannot connect an MQTT client to 127.0.0.1:" + PORT + ": " + ex, ex);
		}
	}

	/**
	 * A device as one that must not lose a reading connects: a persistent session
	 * (unacknowledged QoS 1 publishes are sent again after a reconnect), reconnecting on
	 * its own, buffering what it publishes while disconnected.
	 */
	public static MqttAsyncClient connectReliably(String clientId, int port) throws MqttException {
		MqttAsyncClient client = new MqttAsyncClient("tcp://127.0.0.1:" + port, clientId, new MemoryPersistence());
		MqttConnectOptions options = options(false);
		options.setAutomaticReconnect(true);
		options.setMaxReconnectDelay(1000);
		options.setMaxInflight(200); // above the tests' own window of 100 unacknowledged
		client.setBufferOpts(buffer());
		client.connect(options).waitForCompletion(10_000);
		return client;
	}

	private static DisconnectedBufferOptions buffer() {
		DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
		buffer.setBufferEnabled(true);
		buffer.setBufferSize(20_000);
		buffer.setDeleteOldestMessages(false);
		return buffer;
	}

	private static MqttConnectOptions options(boolean cleanSession) {
		MqttConnectOptions options = new MqttConnectOptions();
		options.setCleanSession(cleanSession);
		options.setUserName(SecuredBroker.ADMIN);
		options.setPassword(SecuredBroker.adminPassword().toCharArray());
		options.setConnectionTimeout(10);
		return options;
	}

	public static void requireRunning() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", PORT), 2000);
		}
		catch (IOException ex) {
			throw new AssertionError("The secured RabbitMQ node's MQTT listener is not running on 127.0.0.1:" + PORT
					+ ". Start the test infrastructure with: scripts/infra up", ex);
		}
	}

}
