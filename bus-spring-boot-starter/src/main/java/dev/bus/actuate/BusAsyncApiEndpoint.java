package dev.bus.actuate;

import java.util.Map;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

import dev.bus.asyncapi.BusAsyncApi;

/**
 * Actuator endpoint {@code asyncapi}: the application's AsyncAPI 3.0 document, the
 * contract teams in other languages read (topics, groups, payload schemas, headers,
 * security, encrypted topics).
 */
@Endpoint(id = "asyncapi")
public class BusAsyncApiEndpoint {

	private final BusAsyncApi asyncApi;

	public BusAsyncApiEndpoint(BusAsyncApi asyncApi) {
		this.asyncApi = asyncApi;
	}

	@ReadOperation
	public Map<String, Object> asyncapi() {
		return this.asyncApi.document();
	}

}
