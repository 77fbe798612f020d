package dev.bus.failure;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.bus.core.BusHeaders;

/**
 * The headers of a message this application moves on (to a delay queue, to the
 * dead-letter queue, back on a replay): those that arrived, except the broker's
 * {@code x-death} history of earlier hops and, unless the message was already one of the
 * application's own moves, every header a mover writes (a sender could have written them
 * to pass for a moved message); then what the application itself verified of its origin.
 * So Bus overwrites its own headers when it moves a message, and never inherits them from
 * a sender.
 */
final class MoveHeaders {

	/** Headers only a mover writes. */
	static final List<String> WRITTEN_BY_MOVER = List.of(BusHeaders.ORIGINAL_TOPIC, BusHeaders.ORIGINAL_USER_ID,
			BusHeaders.ORIGINAL_QUEUE, BusHeaders.UNVERIFIED_ORIGIN, BusHeaders.ATTEMPT, BusHeaders.FAILURE_REASON,
			BusHeaders.FAILURE_EXCEPTION, BusHeaders.FAILURE_MESSAGE, BusHeaders.FIRST_FAILURE_TIME,
			BusHeaders.LAST_FAILURE_TIME, DeadLetterReplayer.REPLAYED_AT);

	private MoveHeaders() {
	}

	static Map<String, Object> of(Map<String, Object> received, DeliveryOrigin origin) {
		Map<String, Object> headers = new HashMap<>(received);
		headers.remove("x-death");
		if (!origin.moved()) {
			WRITTEN_BY_MOVER.forEach(headers::remove);
		}
		headers.put(BusHeaders.ORIGINAL_TOPIC, origin.topic());
		if (origin.publisher() != null) {
			headers.put(BusHeaders.ORIGINAL_USER_ID, origin.publisher());
		}
		else {
			headers.remove(BusHeaders.ORIGINAL_USER_ID);
		}
		if (!origin.trusted()) {
			headers.put(BusHeaders.UNVERIFIED_ORIGIN, origin.refusal());
		}
		return headers;
	}

}
