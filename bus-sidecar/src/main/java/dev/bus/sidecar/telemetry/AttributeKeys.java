package dev.bus.sidecar.telemetry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.opentelemetry.api.common.AttributeKey;

/**
 * One {@link AttributeKey} per attribute name and type, shared by every span the decoders
 * build. The SDK's {@code AttributesBuilder.put(String, …)} makes a new key for each
 * attribute of each span; shared keys cut what a queued span holds by about a third and
 * let the OTLP exporter reuse each key's cached UTF-8 bytes (measured with
 * {@code scripts/bench-sidecar}). Bounded: past {@link #MAX_KEYS} names per type, keys
 * are made fresh again, so requests with endless new names cost no more than before.
 */
final class AttributeKeys {

	static final int MAX_KEYS = 2048;

	private static final Map<String, AttributeKey<String>> STRINGS = new ConcurrentHashMap<>();

	private static final Map<String, AttributeKey<Boolean>> BOOLEANS = new ConcurrentHashMap<>();

	private static final Map<String, AttributeKey<Long>> LONGS = new ConcurrentHashMap<>();

	private static final Map<String, AttributeKey<Double>> DOUBLES = new ConcurrentHashMap<>();

	private static final Map<String, AttributeKey<List<String>>> STRING_ARRAYS = new ConcurrentHashMap<>();

	private AttributeKeys() {
	}

	static AttributeKey<String> string(String name) {
		return shared(STRINGS, name, AttributeKey::stringKey);
	}

	static AttributeKey<Boolean> bool(String name) {
		return shared(BOOLEANS, name, AttributeKey::booleanKey);
	}

	static AttributeKey<Long> number(String name) {
		return shared(LONGS, name, AttributeKey::longKey);
	}

	static AttributeKey<Double> decimal(String name) {
		return shared(DOUBLES, name, AttributeKey::doubleKey);
	}

	static AttributeKey<List<String>> stringArray(String name) {
		return shared(STRING_ARRAYS, name, AttributeKey::stringArrayKey);
	}

	private static <T> AttributeKey<T> shared(Map<String, AttributeKey<T>> keys, String name,
			Function<String, AttributeKey<T>> factory) {
		AttributeKey<T> key = keys.get(name);
		if (key != null) {
			return key;
		}
		key = factory.apply(name);
		if (keys.size() < MAX_KEYS) {
			AttributeKey<T> raced = keys.putIfAbsent(name, key);
			return (raced != null) ? raced : key;
		}
		return key;
	}

}
