package dev.bus.sidecar.registration;

import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.bus.sidecar.AppProperties;
import dev.bus.sidecar.test.AppDouble;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reading the app's {@code bus} endpoint through the shared contract: what an app on this
 * starter writes, what an app on another version writes (fields missing or added), and
 * what is not the endpoint at all.
 */
class AppClientTest {

	@Test
	void readsTheTopicsOfTheBusEndpointLeniently() {
		try (AppDouble app = AppDouble.start()) {
			AppProperties settings = new AppProperties();
			settings.setPort(app.port());
			AppClient client = new AppClient(settings);
			assertThat(client.busTopics()).isEqualTo(new AppClient.BusTopics(Set.of("orders.created", "payments.#"),
					Set.of("inventory.reserved"), false));
			app.servesAsyncApi(true);
			assertThat(client.busTopics().asyncApi()).as("HEAD /actuator/asyncapi answers 200").isTrue();

			app.bus("{\"listeners\":[{\"id\":\"a\",\"topic\":\"orders.*\",\"prefetch\":250,\"future\":{\"x\":1}}],"
					+ "\"publisher\":{\"exchange\":\"bus\",\"topics\":[],\"pendingConfirms\":3},\"extra\":true}");
			assertThat(client.busTopics()).isEqualTo(new AppClient.BusTopics(Set.of("orders.*"), Set.of(), true));

			app.bus("not json");
			assertThat(client.busTopics()).isEqualTo(AppClient.BusTopics.UNKNOWN);
		}
	}

}
