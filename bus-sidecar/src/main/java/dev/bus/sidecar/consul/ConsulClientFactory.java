package dev.bus.sidecar.consul;

import java.time.Duration;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;

import dev.bus.sidecar.ConsulProperties;

/**
 * Builds spring-cloud-consul's {@link ConsulClient} from {@code bus.sidecar.consul.*}.
 * The read timeout is set above the longest blocking query (Consul adds up to wait/16 of
 * jitter), so a watch is never cut by the client. It runs on {@code HttpURLConnection}:
 * the JDK's {@code HttpClient} sets up TLS and a selector thread up front, which costs
 * the sidecar several megabytes and a tenth of a second at start-up for plain-HTTP
 * Consul.
 */
public final class ConsulClientFactory {

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

	private ConsulClientFactory() {
	}

	/**
	 * The HTTP client of Consul's API, on which the {@link ConsulClient} and the
	 * sidecar's own calls run.
	 * @param sslBundles Spring Boot's SSL bundles, where
	 * {@code bus.sidecar.consul.ssl-bundle} is looked up
	 */
	public static RestClient restClient(ConsulProperties consul, Duration longestWait, SslBundles sslBundles) {
		Duration readTimeout = longestWait.plus(longestWait.dividedBy(16)).plusSeconds(10);
		HttpClientSettings settings = HttpClientSettings.defaults().withTimeouts(CONNECT_TIMEOUT, readTimeout);
		if (consul.getSslBundle() != null) {
			settings = settings.withSslBundle(sslBundles.getBundle(consul.getSslBundle()));
		}
		return RestClient.builder()
			.baseUrl(consul.getUrl())
			.requestFactory(ClientHttpRequestFactoryBuilder.simple().build(settings))
			.build();
	}

	public static ConsulClient create(RestClient restClient) {
		return ConsulAutoConfiguration.createNewConsulClient(RestClientAdapter.create(restClient));
	}

}
