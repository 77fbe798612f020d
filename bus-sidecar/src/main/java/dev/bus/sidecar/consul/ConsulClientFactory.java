package dev.bus.sidecar.consul;

import java.time.Duration;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.jks.JksSslStoreBundle;
import org.springframework.boot.ssl.jks.JksSslStoreDetails;
import org.springframework.cloud.consul.ConsulAutoConfiguration;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;

import dev.bus.sidecar.SidecarProperties;

/**
 * Builds spring-cloud-consul's {@link ConsulClient} from {@code bus.sidecar.consul.*}. The read timeout is set
 * above the longest blocking query (Consul adds up to wait/16 of jitter), so a watch is never cut by the client.
 * It runs on {@code HttpURLConnection}: the JDK's {@code HttpClient} sets up TLS and a selector thread up front,
 * which costs the sidecar several megabytes and a tenth of a second at start-up for plain-HTTP Consul.
 */
public final class ConsulClientFactory {

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

	private ConsulClientFactory() {
	}

	public static ConsulClient create(SidecarProperties.Consul consul, Duration longestWait) {
		Duration readTimeout = longestWait.plus(longestWait.dividedBy(16)).plusSeconds(10);
		HttpClientSettings settings = HttpClientSettings.defaults().withTimeouts(CONNECT_TIMEOUT, readTimeout);
		if (consul.getTlsKeyStorePath() != null) {
			settings = settings.withSslBundle(sslBundle(consul));
		}
		RestClient restClient = RestClient.builder()
			.baseUrl(consul.getUrl())
			.requestFactory(ClientHttpRequestFactoryBuilder.simple().build(settings))
			.build();
		return ConsulAutoConfiguration.createNewConsulClient(RestClientAdapter.create(restClient));
	}

	private static SslBundle sslBundle(SidecarProperties.Consul consul) {
		JksSslStoreDetails keyStore = new JksSslStoreDetails(consul.getTlsStoreType(), null,
				location(consul.getTlsKeyStorePath()), consul.getTlsKeyStorePassword());
		JksSslStoreDetails trustStore = new JksSslStoreDetails(consul.getTlsStoreType(), null,
				location(consul.getTlsTrustStorePath()), consul.getTlsTrustStorePassword());
		return SslBundle.of(new JksSslStoreBundle(keyStore, trustStore));
	}

	private static String location(String path) {
		return path.contains(":") ? path : "file:" + path;
	}

}
