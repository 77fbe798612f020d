package dev.bus.console.apps;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.JsonNode;

import dev.bus.console.consul.BusInstance;
import dev.bus.core.operations.DeadLetterListing;
import dev.bus.core.operations.DiscardResult;
import dev.bus.core.operations.HeldMessages;
import dev.bus.core.operations.HoldRelease;
import dev.bus.core.operations.ReplayResult;
import dev.bus.core.sidecar.BusEndpointBody;

/**
 * The apps' {@code bus} actuator endpoints, at the URL each instance's sidecar registered
 * ({@code bus-endpoint}). Every change goes through the owning app, with its own checks
 * (a replay refuses what the app did not dead-letter), never around it to the broker. The
 * {@link RestClient} it is given presents the console's operator token.
 */
public class AppActuator {

	private final RestClient apps;

	public AppActuator(RestClient apps) {
		this.apps = apps;
	}

	/** The app's listeners and publisher. */
	public BusEndpointBody bus(BusInstance instance) {
		return call(instance,
				() -> this.apps.get().uri(URI.create(instance.busEndpoint())).retrieve().body(BusEndpointBody.class));
	}

	/** A listener's first dead letters, left in their queue. */
	public DeadLetterListing deadLetters(BusInstance instance, String listenerId, int limit) {
		URI uri = UriComponentsBuilder.fromUriString(instance.busEndpoint())
			.pathSegment(listenerId, "dead-letters")
			.queryParam("limit", limit)
			.build()
			.toUri();
		return call(instance, () -> this.apps.get().uri(uri).retrieve().body(DeadLetterListing.class));
	}

	/** Replays the selected dead letters through the app. */
	public ReplayResult replay(BusInstance instance, String listenerId, Selection selection) {
		URI uri = UriComponentsBuilder.fromUriString(instance.busEndpoint()).pathSegment(listenerId).build().toUri();
		return call(instance,
				() -> this.apps.post()
					.uri(uri)
					.contentType(MediaType.APPLICATION_JSON)
					.body(selection)
					.retrieve()
					.body(ReplayResult.class));
	}

	/** Discards the selected dead letters through the app. */
	public DiscardResult discard(BusInstance instance, String listenerId, Selection selection) {
		UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(instance.busEndpoint())
			.pathSegment(listenerId, "dead-letters");
		if (selection.messageId() != null) {
			uri.queryParam("messageId", selection.messageId());
		}
		if (selection.reason() != null) {
			uri.queryParam("reason", selection.reason());
		}
		if (selection.exception() != null) {
			uri.queryParam("exception", selection.exception());
		}
		URI target = uri.encode().build().toUri();
		return call(instance, () -> this.apps.delete().uri(target).retrieve().body(DiscardResult.class));
	}

	/** Releases what a hold rule holds, through an app that routes with it. */
	public HoldRelease release(BusInstance instance, String ruleSet, String rule) {
		URI uri = UriComponentsBuilder.fromUriString(instance.busEndpoint()).pathSegment(ruleSet, rule).build().toUri();
		return call(instance, () -> this.apps.post().uri(uri).retrieve().body(HoldRelease.class));
	}

	/**
	 * What each hold rule in force in the app holds ({@code GET /actuator/bus/holds}).
	 */
	public List<HeldMessages> holds(BusInstance instance) {
		URI uri = UriComponentsBuilder.fromUriString(instance.busEndpoint()).pathSegment("holds").build().toUri();
		Holds holds = call(instance, () -> this.apps.get().uri(uri).retrieve().body(Holds.class));
		return (holds != null && holds.holds() != null) ? holds.holds() : List.of();
	}

	/** The body of {@code GET /actuator/bus/holds}. */
	private record Holds(List<HeldMessages> holds) {
	}

	/**
	 * Whether each channel of the app's AsyncAPI document is encrypted end to end
	 * ({@code x-bus-encrypted}), by address (topic or pattern); empty when the app serves
	 * no document.
	 */
	public Map<String, Boolean> encryptedChannels(BusInstance instance) {
		if (instance.asyncApi() == null) {
			return Map.of();
		}
		JsonNode document = call(instance,
				() -> this.apps.get().uri(URI.create(instance.asyncApi())).retrieve().body(JsonNode.class));
		Map<String, Boolean> channels = new TreeMap<>();
		if (document != null) {
			for (JsonNode channel : document.path("channels")) {
				channels.put(channel.path("address").asString(), channel.path("x-bus-encrypted").asBoolean(false));
			}
		}
		return channels;
	}

	/** The app's AsyncAPI document, as text. */
	public String asyncApi(BusInstance instance) {
		return call(instance, () -> this.apps.get().uri(URI.create(instance.asyncApi())).retrieve().body(String.class));
	}

	private static <T> T call(BusInstance instance, java.util.function.Supplier<T> request) {
		try {
			return request.get();
		}
		catch (RestClientResponseException ex) {
			throw new AppUnavailableException(instance, "answered " + status(ex.getStatusCode()), ex);
		}
		catch (RestClientException ex) {
			Throwable cause = ex.getMostSpecificCause();
			throw new AppUnavailableException(instance, "did not answer (" + cause.getClass().getSimpleName() + ")",
					ex);
		}
	}

	private static String status(HttpStatusCode status) {
		return switch (status.value()) {
			case 401 -> "401: the console's token was refused";
			case 403 -> "403: the console's token lacks the operator scope";
			case 404 -> "404: no such listener or rule";
			default -> String.valueOf(status.value());
		};
	}

	/**
	 * Which dead letters: one by id, or a group by reason and/or exception class.
	 *
	 * @param messageId one message's id, or {@code null}
	 * @param reason the reason Bus dead-lettered them, or {@code null}
	 * @param exception the exception class, or {@code null}
	 */
	public record Selection(String messageId, String reason, String exception) {

		public static Selection message(String messageId) {
			return new Selection(messageId, null, null);
		}

	}

}
