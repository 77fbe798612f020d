package dev.bus.it;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.rabbitmq.client.GetResponse;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusMessage;
import dev.bus.BusPublisher;
import dev.bus.annotation.BusListener;
import dev.bus.core.BusHeaders;
import dev.bus.core.MessageIds;
import dev.bus.listener.BusListenerRegistry;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;
import dev.bus.test.MqttDevices;
import dev.bus.test.Rabbit;
import dev.bus.test.Received;
import dev.bus.test.SecuredBroker;
import dev.bus.test.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * MQTT devices on the bus: real MQTT 3.1.1 clients (Eclipse Paho) on the RabbitMQ MQTT
 * plugin of the secured node, whose publishes land on the {@code bus} exchange (topic
 * {@code sensors/t1} as routing key {@code sensors.t1}) and whose subscriptions receive
 * what Bus publishes. The fault test prints sent / acknowledged / received distinct /
 * duplicates / lost with the prefix {@code [fault]}.
 */
class MqttDevicesIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup(Rabbit::connectSecured);

	record Reading(double celsius) {
	}

	record Command(String action) {
	}

	record Metered(int seq, double kwh) {
	}

	public static class Readings {

		final Received<BusMessage<Reading>> readings = new Received<>();

		final Received<byte[]> raw = new Received<>();

		@BusListener(topic = "sensors.*")
		void on(BusMessage<Reading> message) {
			this.readings.add(message);
		}

		@BusListener(topic = "sensors.*", group = "mqtt-it-raw-readings")
		void raw(byte[] body) {
			this.raw.add(body);
		}

	}

	public static class Meters {

		final Set<Integer> distinct = ConcurrentHashMap.newKeySet();

		final AtomicInteger deliveries = new AtomicInteger();

		@BusListener(topic = "meters.*", prefetch = 250)
		void on(Metered reading) {
			this.deliveries.incrementAndGet();
			this.distinct.add(reading.seq());
		}

	}

	@Test
	void aDevicesReadingsReachListenersAsJsonOrBytesWithAStableIdAndABadOneIsDeadLettered() throws Exception {
		try (ConfigurableApplicationContext app = app("greenhouse", Readings.class);
				Rabbit rabbit = Rabbit.connectSecured()) {
			Readings readings = app.getBean(Readings.class);
			MqttClient device = MqttDevices.connect(BusContexts.uniqueName("sensor"));
			try {
				byte[] body = "{\"celsius\":21.5}".getBytes(StandardCharsets.UTF_8);
				device.publish("sensors/t1", body, 1, false);
				// The same reading again, as a device resends it when its PUBACK was
				// lost.
				device.publish("sensors/t1", body, 1, false);
				device.publish("sensors/t2", "not json".getBytes(StandardCharsets.UTF_8), 1, false);

				List<BusMessage<Reading>> received = readings.readings.awaitCount(2);
				BusMessage<Reading> first = received.get(0);
				assertThat(first.payload()).isEqualTo(new Reading(21.5));
				assertThat(first.topic()).isEqualTo("sensors.t1");
				assertThat(first.messageId()).as("derived from topic and body: the resend has it too")
					.isEqualTo(MessageIds.fromContent("sensors.t1", body))
					.isEqualTo(received.get(1).messageId());
				assertThat(first.header("x-mqtt-publish-qos")).isEqualTo("1");
				assertThat(readings.raw.awaitCount(3)).as("a byte[] parameter takes any body as it came")
					.anySatisfy((raw) -> assertThat(raw).isEqualTo("not json".getBytes(StandardCharsets.UTF_8)));

				String deadLetters = app.getBean(BusListenerRegistry.class)
					.registrations()
					.stream()
					.filter((registration) -> registration.definition().id().endsWith(".on"))
					.findFirst()
					.orElseThrow()
					.definition()
					.deadLetterQueue();
				await().atMost(Duration.ofSeconds(10)).until(() -> rabbit.messageCount(deadLetters) == 1);
				GetResponse deadLetter = rabbit.get(deadLetters);
				assertThat(deadLetter.getProps().getHeaders().get(BusHeaders.FAILURE_REASON))
					.hasToString("malformed-payload");
				assertThat(deadLetter.getProps().getMessageId())
					.isEqualTo(MessageIds.fromContent("sensors.t2", deadLetter.getBody()));
				assertThat(readings.readings.items()).as("the bad reading never reached the method").hasSize(2);
			}
			finally {
				device.disconnect();
				device.close();
			}
		}
	}

	@Test
	void aDeviceReadsWhatBusPublishesToItsTopicAsThePayloadOnly() throws Exception {
		try (ConfigurableApplicationContext app = app("control", Readings.class)) {
			String deviceId = BusContexts.uniqueName("valve");
			MqttClient device = MqttDevices.connect(deviceId);
			try {
				Received<MqttMessage> commands = new Received<>();
				device.subscribe("devices/" + deviceId + "/commands", 1, (topic, message) -> commands.add(message));
				BusPublisher publisher = app.getBean(BusPublisher.class);
				byte[] raw = { 0x01, 0x02, (byte) 0xFF };
				publisher.publish("devices." + deviceId + ".commands", raw).join();
				publisher.publish("devices." + deviceId + ".commands", new Command("open")).join();

				List<MqttMessage> received = commands.awaitCount(2);
				assertThat(received.get(0).getPayload()).containsExactly(raw);
				assertThat(new String(received.get(1).getPayload(), StandardCharsets.UTF_8))
					.isEqualTo("{\"action\":\"open\"}");
				assertThat(received).allSatisfy((message) -> assertThat(message.getQos()).isEqualTo(1));

				// A word an MQTT topic level would split or read as a wildcard never
				// leaves the app.
				assertThatIllegalArgumentException()
					.isThrownBy(() -> publisher.publish("devices." + deviceId + "/1.commands", raw))
					.withMessageContaining("invalid word");
				assertThatIllegalArgumentException().isThrownBy(() -> publisher.publish("devices.+.commands", raw))
					.withMessageContaining("invalid word");
			}
			finally {
				device.disconnect();
				device.close();
			}
		}
	}

	public static class SecureReadings {

		final Received<BusMessage<Reading>> readings = new Received<>();

		@BusListener(topic = "secure.*", group = "secure-mqtt-it")
		void on(BusMessage<Reading> message) {
			this.readings.add(message);
		}

	}

	@Test
	void aDeviceLogsInWithAnOAuth2TokenWhoseScopesLimitWhereItMayPublish() throws Exception {
		try (ConfigurableApplicationContext app = app("secure-devices", SecureReadings.class)) {
			// The issuer's token, with one scope: publish on the bus exchange to secure.*
			// topics, nothing else.
			String token = SecuredBroker.token("bus-test-app", "rabbitmq.write:*/bus/secure.*");
			MqttClient device = MqttDevices.connect(BusContexts.uniqueName("secure-sensor"), token);
			device.publish("secure/t1", "{\"celsius\":19.0}".getBytes(StandardCharsets.UTF_8), 1, false);
			assertThat(app.getBean(SecureReadings.class).readings.awaitCount(1).get(0).payload())
				.isEqualTo(new Reading(19.0));

			// A topic outside its scopes: the broker refuses the publish by closing the
			// device's connection.
			assertThatExceptionOfType(MqttException.class).isThrownBy(() -> device.publish("sensors/t1",
					"{\"celsius\":99.0}".getBytes(StandardCharsets.UTF_8), 1, false));
			await().atMost(Duration.ofSeconds(10)).until(() -> !device.isConnected());
			device.close();
			assertThatExceptionOfType(AssertionError.class).as("a device without a valid token cannot log in")
				.isThrownBy(() -> MqttDevices.connect(BusContexts.uniqueName("forged"), token + "x"));
		}
	}

	@Test
	void tenThousandQos1ReadingsWithTheMqttConnectionCutMidwayLoseNoAcknowledgedOne() throws Exception {
		int messages = 10_000;
		try (ConfigurableApplicationContext app = app("metering", Meters.class);
				TcpProxy network = new TcpProxy(MqttDevices.PORT)) {
			Meters meters = app.getBean(Meters.class);
			network.open();
			AtomicInteger acknowledged = new AtomicInteger();
			AtomicInteger refused = new AtomicInteger();
			Semaphore inFlight = new Semaphore(100);
			MqttAsyncClient device = MqttDevices.connectReliably(BusContexts.uniqueName("meter"), network.port());
			device.setCallback(new MqttCallback() {

				@Override
				public void connectionLost(Throwable cause) {
				}

				@Override
				public void messageArrived(String topic, MqttMessage message) {
				}

				@Override
				public void deliveryComplete(IMqttDeliveryToken token) {
					// the broker's PUBACK: it has the reading
					acknowledged.incrementAndGet();
					inFlight.release();
				}

			});
			try {
				for (int seq = 0; seq < messages; seq++) {
					if (seq == messages / 2) {
						// the device's connection to the broker drops; the device
						// reconnects
						network.drop();
					}
					assertThat(inFlight.tryAcquire(60, TimeUnit.SECONDS)).as("PUBACKs keep coming").isTrue();
					byte[] body = ("{\"seq\":" + seq + ",\"kwh\":1.5}").getBytes(StandardCharsets.UTF_8);
					// While the client is still taking the lost connection down it
					// refuses publishes (it buffers
					// them once it is disconnected): the device tries again, as a device
					// program would.
					if (!published(device, body, refused)) {
						await().atMost(Duration.ofSeconds(30))
							.pollInterval(Duration.ofMillis(10))
							.until(() -> published(device, body, refused));
					}
				}
				await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.get() == messages);
				await().atMost(Duration.ofSeconds(60)).until(() -> meters.distinct.size() == messages);
				int received = meters.distinct.size();
				System.out.printf(
						"[fault] MQTT connection of a QoS 1 device cut after %d of %d readings: sent %d, "
								+ "acknowledged (PUBACK) %d, received %d distinct, duplicates %d, lost %d; the device "
								+ "connected %d times, %d publishes refused for the moment and tried again%n",
						messages / 2, messages, messages, acknowledged.get(), received,
						meters.deliveries.get() - received, acknowledged.get() - received, network.accepted(),
						refused.get());
				assertThat(network.accepted()).as("the device reconnected").isGreaterThanOrEqualTo(2);
			}
			finally {
				// never masks what the test found: a polite disconnect may time out after
				// a failure
				device.disconnectForcibly(0, 1000);
				device.close(true);
			}
		}
	}

	/**
	 * One publish attempt: false when the client refuses it for the moment: taking a lost
	 * connection down, not connected yet, or its in-flight window not yet updated for a
	 * PUBACK the callback has seen.
	 */
	private static boolean published(MqttAsyncClient device, byte[] body, AtomicInteger refused) throws MqttException {
		try {
			device.publish("meters/m1", body, 1, false);
			return true;
		}
		catch (MqttException ex) {
			int reason = ex.getReasonCode();
			if (reason == MqttException.REASON_CODE_CLIENT_DISCONNECTING
					|| reason == MqttException.REASON_CODE_CLIENT_NOT_CONNECTED
					|| reason == MqttException.REASON_CODE_CONNECTION_LOST
					|| reason == MqttException.REASON_CODE_MAX_INFLIGHT) {
				refused.incrementAndGet();
				return false;
			}
			throw ex;
		}
	}

	private ConfigurableApplicationContext app(String name, Class<?> listeners) {
		MqttDevices.requireRunning();
		List<String> properties = SecuredBroker.adminProperties();
		ConfigurableApplicationContext app = BusContexts.start(SecuredBroker.EXCHANGE, BusContexts.uniqueName(name),
				List.of(listeners), properties.toArray(String[]::new));
		this.cleanup.track(app);
		BusContexts.awaitConsuming(app);
		return app;
	}

}
