package dev.bus.security;

import java.net.URI;
import java.time.Duration;

import org.springframework.http.HttpHeaders;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.security.oauth2.client.endpoint.RestClientClientCredentialsTokenResponseClient;
import org.springframework.security.oauth2.client.http.OAuth2ErrorResponseErrorHandler;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.web.client.RestClient;

/**
 * Spring Security's client-credentials token client with connect and read timeouts: its
 * default has none, and a hung issuer must not hang a connection attempt or a publish.
 */
public final class ClientCredentialsTokenClient {

	private static final String DPOP_HEADER = "DPoP";

	private ClientCredentialsTokenClient() {
	}

	/**
	 * Spring Security's client, with its own converters and error handler, over a client
	 * with timeouts.
	 */
	public static RestClientClientCredentialsTokenResponseClient withTimeout(Duration timeout) {
		SimpleClientHttpRequestFactory requestFactory = new SimpleClientHttpRequestFactory();
		requestFactory.setConnectTimeout(timeout);
		requestFactory.setReadTimeout(timeout);
		RestClientClientCredentialsTokenResponseClient client = new RestClientClientCredentialsTokenResponseClient();
		client.setRestClient(RestClient.builder().requestFactory(requestFactory).messageConverters((converters) -> {
			converters.clear();
			converters.add(new FormHttpMessageConverter());
			converters.add(new OAuth2AccessTokenResponseHttpMessageConverter());
		}).defaultStatusHandler(new OAuth2ErrorResponseErrorHandler()).build());
		return client;
	}

	/**
	 * The client with timeouts, asking for tokens bound to {@code key}: each token
	 * request carries a DPoP proof made with it (RFC 9449, 5), and an issuer that
	 * supports DPoP (Spring Authorization Server does) puts the key's thumbprint in the
	 * token ({@code cnf.jkt}).
	 */
	public static RestClientClientCredentialsTokenResponseClient boundTo(MessageProofKey key, Duration timeout) {
		RestClientClientCredentialsTokenResponseClient client = withTimeout(timeout);
		client.addHeadersConverter((request) -> {
			HttpHeaders headers = new HttpHeaders();
			headers.set(DPOP_HEADER, key
				.tokenRequestProof(URI.create(request.getClientRegistration().getProviderDetails().getTokenUri())));
			return headers;
		});
		return client;
	}

}
