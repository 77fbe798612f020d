package dev.bus.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.context.ConfigurableApplicationContext;

import dev.bus.BusMessage;
import dev.bus.annotation.BusListener;
import dev.bus.annotation.BusPublishes;
import dev.bus.asyncapi.BusAsyncApi;
import dev.bus.test.BrokerCleanup;
import dev.bus.test.BusContexts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The AsyncAPI document of a running application, written at start-up
 * ({@code bus.asyncapi.write-to}) and validated by the AsyncAPI initiative's parser
 * ({@code scripts/asyncapi-validate.cjs}, node and {@code @asyncapi/parser} from
 * {@code scripts/infra up}).
 */
class AsyncApiIT {

	@RegisterExtension
	final BrokerCleanup cleanup = new BrokerCleanup();

	record Line(String sku, int quantity) {
	}

	record OrderPlaced(String orderId, List<Line> lines) {
	}

	record OrderConfirmed(String orderId, boolean reserved) {
	}

	public static class Orders {

		@BusListener(topic = "orders.*")
		void placed(BusMessage<OrderPlaced> order) {
		}

		@BusListener(topic = "sensors.#", group = "asyncapi-it-raw")
		void raw(byte[] body) {
		}

	}

	@BusPublishes(topic = "orders.confirmed", payload = OrderConfirmed.class,
			description = "An order whose stock is reserved")
	public static class Confirmations {

	}

	@Test
	void theDocumentOfARunningAppDescribesItsListenersAndPublicationsAndValidates(@TempDir Path directory)
			throws Exception {
		Path file = directory.resolve("asyncapi.json");
		String name = BusContexts.uniqueName("order-desk");
		try (ConfigurableApplicationContext app = BusContexts.start(BusContexts.uniqueName("bus-asyncapi"), name,
				List.of(Orders.class, Confirmations.class), "bus.asyncapi.write-to=" + file,
				"bus.asyncapi.description=Takes orders")) {
			this.cleanup.track(app);
			assertThat(file).as("written once the context refreshed").isNotEmptyFile();
			JsonNode document = new JsonMapper().readTree(file.toFile());
			assertThat(document.path("asyncapi").asString()).isEqualTo("3.0.0");
			assertThat(document.path("info").path("title").asString()).isEqualTo(name);
			assertThat(document.path("servers").path("broker").path("protocol").asString()).isEqualTo("amqp");

			JsonNode orders = document.path("channels").path("orders._one_");
			assertThat(orders.path("address").asString()).isEqualTo("orders.*");
			JsonNode placed = document.path("components").path("messages").path("orders._one_.OrderPlaced");
			assertThat(placed.path("payload")
				.path("properties")
				.path("lines")
				.path("items")
				.path("properties")
				.path("quantity")
				.path("type")
				.asString()).isEqualTo("integer");
			assertThat(document.path("components")
				.path("messages")
				.path("sensors._all_.byteArray")
				.path("contentType")
				.asString()).isEqualTo("application/octet-stream");

			JsonNode receive = document.path("operations").path("receive.asyncApiIT.Orders.placed");
			assertThat(receive.path("action").asString()).isEqualTo("receive");
			assertThat(receive.path("x-bus-group").asString()).isEqualTo(name);
			JsonNode send = document.path("operations").path("send.orders.confirmed");
			assertThat(send.path("action").asString()).isEqualTo("send");
			assertThat(document.path("components")
				.path("messages")
				.path("orders.confirmed.OrderConfirmed")
				.path("description")
				.asString()).isEqualTo("An order whose stock is reserved");

			Map<String, Object> served = app.getBean(BusAsyncApi.class).document();
			assertThat(served).containsKeys("asyncapi", "info", "servers", "channels", "operations", "components");
			assertValid(file);
		}
	}

	static void assertValid(Path document) throws Exception {
		Path validator = Path.of("..", "scripts", "asyncapi-validate.cjs").toAbsolutePath().normalize();
		Process process = new ProcessBuilder("node", validator.toString(), document.toString())
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue())
			.as("AsyncAPI parser (node and @asyncapi/parser come with scripts/infra up): " + output + "\n"
					+ Files.readString(document))
			.isZero();
	}

}
