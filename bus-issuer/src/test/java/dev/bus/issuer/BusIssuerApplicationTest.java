package dev.bus.issuer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The issuer signs with the key from its file under the configured key id, and sets each
 * token's audience from the scopes asked for: a broker token is for RabbitMQ only, a
 * per-message token for the bus only, and a request for both is refused, so that neither
 * can be replayed as the other.
 */
class BusIssuerApplicationTest {

	@TempDir
	static Path keys;

	static ConfigurableApplicationContext issuer;

	static String tokenEndpoint;

	@BeforeAll
	static void start() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		String pem = "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
		Path key = keys.resolve("signing-key.pem");
		Files.writeString(key, pem);
		issuer = SpringApplication.run(BusIssuerApplication.class, "--server.port=0",
				"--bus.issuer.signing-key=file:" + key, "--spring.main.banner-mode=off",
				"--spring.profiles.active=tests");
		int port = ((WebServerApplicationContext) issuer).getWebServer().getPort();
		tokenEndpoint = "http://127.0.0.1:" + port + "/oauth2/token";
	}

	@AfterAll
	static void stop() {
		issuer.close();
	}

	@Test
	void aBrokerTokenIsForRabbitmqAndAMessageTokenForTheBus() throws Exception {
		String broker = claims(token("rabbitmq.configure:*/bus rabbitmq.write:*/bus/secure.*").body());
		assertThat(broker).contains("\"aud\":\"rabbitmq\"", "\"sub\":\"bus-test-app\"");
		String message = claims(token("bus.publish:secure.*").body());
		assertThat(message).contains("\"aud\":\"bus\"");
		assertThat(header(token("bus.publish:secure.*").body())).contains("\"kid\":\"bus-issuer\"");
		assertThat(claims(token("actuator.operator").body())).contains("\"aud\":\"actuator\"");
	}

	@Test
	void aRequestForBothKindsIsRefused() throws Exception {
		for (String mixed : List.of("rabbitmq.configure:*/bus bus.publish:secure.*",
				"bus.publish:secure.* actuator.operator", "rabbitmq.configure:*/bus actuator.operator")) {
			HttpResponse<String> both = token(mixed);
			assertThat(both.statusCode()).as(mixed).isEqualTo(400);
			assertThat(both.body()).contains("invalid_scope");
		}
	}

	/**
	 * As the sample system's image runs it (no profile): the sample's clients alone, so
	 * the tests' clients and their public secrets are not there to be used.
	 */
	@Test
	void withoutTheTestsProfileOnlyTheSampleSystemsClientsAreKnown() throws Exception {
		try (ConfigurableApplicationContext sample = SpringApplication.run(BusIssuerApplication.class,
				"--server.port=0", "--bus.issuer.signing-key=file:" + keys.resolve("signing-key.pem"),
				"--spring.main.banner-mode=off")) {
			String endpoint = "http://127.0.0.1:" + ((WebServerApplicationContext) sample).getWebServer().getPort()
					+ "/oauth2/token";
			assertThat(token(endpoint, "bus-test-app:bus-test-app-secret", "bus.publish:secure.*").statusCode())
				.as("a test client")
				.isEqualTo(401);
			assertThat(token(endpoint, "orders:orders-secret", "bus.publish:orders.created").statusCode())
				.as("a sample client")
				.isEqualTo(200);
		}
	}

	private static HttpResponse<String> token(String scope) throws Exception {
		return token(tokenEndpoint, "bus-test-app:bus-test-app-secret", scope);
	}

	private static HttpResponse<String> token(String endpoint, String client, String scope) throws Exception {
		String credentials = Base64.getEncoder().encodeToString(client.getBytes(StandardCharsets.UTF_8));
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(endpoint))
				.header("Authorization", "Basic " + credentials)
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope="
						+ java.net.URLEncoder.encode(scope, StandardCharsets.UTF_8)))
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String claims(String response) {
		return part(response, 1);
	}

	private static String header(String response) {
		return part(response, 0);
	}

	private static String part(String response, int index) {
		int start = response.indexOf("\"access_token\":\"") + 16;
		String jwt = response.substring(start, response.indexOf('"', start));
		return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]), StandardCharsets.UTF_8);
	}

}
