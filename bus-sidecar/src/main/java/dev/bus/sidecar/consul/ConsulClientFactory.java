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
 * Builds spring-cloud-consul's {@link ConsulClient} from {@code bus.sidecar.consul.*}:
 * one for the blocking queries, whose read timeout is above the longest wait (Consul adds
 * up to wait/16 of jitter) so a watch is never cut by the client, and one for the calls
 * Consul answers at once, whose read timeout is a heartbeat's interval (a third of the
 * TTL, at least a second) so a heartbeat sent into a silent network fails before the next
 * one is due. It runs on {@code HttpURLConnection}: the JDK's {@code HttpClient} sets up
 * TLS and a selector thread up front, which costs the sidecar several megabytes and a
 * tenth of a second at start-up for plain-HTTP Consul.
 */
public final class ConsulClientFactory {

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

	private static final Duration SHORTEST_READ_TIMEOUT = Duration.ofSeconds(1);

	private ConsulClientFactory() {
	}

	/** The read timeout of the blocking queries that wait at most {@code longestWait}. */
	public static Duration watchReadTimeout(Duration longestWait) {
		return longestWait.plus(longestWait.dividedBy(16)).plusSeconds(10);
	}

	/**
	 * The read timeout of the calls Consul answers at once, for an instance registered
	 * with {@code ttl}: its heartbeat interval.
	 */
	public static Duration callReadTimeout(Duration ttl) {
		Duration interval = ttl.dividedBy(3);
		return (interval.compareTo(SHORTEST_READ_TIMEOUT) < 0) ? SHORTEST_READ_TIMEOUT : interval;
	}

	/**
	 * An HTTP client of Consul's API, on which a {@link ConsulClient} and the sidecar's
	 * own calls run.
	 * @param readTimeout {@link #watchReadTimeout} or {@link #callReadTimeout}
	 * @param sslBundles Spring Boot's SSL bundles, where
	 * {@code bus.sidecar.consul.ssl-bundle} is looked up
	 */
	public static RestClient restClient(ConsulProperties consul, Duration readTimeout, SslBundles sslBundles) {
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
