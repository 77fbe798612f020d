package dev.bus.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations Bus makes: one per publish and one per delivery outcome. With Boot's
 * metrics each becomes a timer of the same name (and a {@code .active} long task timer),
 * tagged with the low-cardinality keys.
 */
public enum BusObservation implements ObservationDocumentation {

	/**
	 * A publish, from the call to the broker's confirm or the failure: a message, a
	 * request, or a reply to a request (on the request's topic).
	 */
	PUBLISH {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultBusPublishObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return PublishKeys.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { CommonHighCardinalityKeys.MESSAGE_ID };
		}

	},

	/**
	 * A delivery to one listener, from its arrival to its outcome; a reply to one of the
	 * application's requests is a delivery to the listener {@code reply}.
	 */
	DELIVERY {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultBusDeliveryObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return DeliveryKeys.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return CommonHighCardinalityKeys.values();
		}

	};

	/** Low-cardinality keys of {@link #PUBLISH}. */
	public enum PublishKeys implements KeyName {

		/**
		 * The topic, bounded by {@code bus.metrics.max-topics} (later topics are
		 * {@code other}).
		 */
		TOPIC {
			@Override
			public String asString() {
				return "topic";
			}
		},

		/** {@code confirmed} or {@code failed}. */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		},

		/**
		 * Why it failed ({@code unroutable}, {@code nacked}, {@code rejected}, ...),
		 * {@code none} if it did not.
		 */
		REASON {
			@Override
			public String asString() {
				return "reason";
			}
		}

	}

	/** Low-cardinality keys of {@link #DELIVERY}. */
	public enum DeliveryKeys implements KeyName {

		/**
		 * The topic, bounded by {@code bus.metrics.max-topics} (later topics are
		 * {@code other}).
		 */
		TOPIC {
			@Override
			public String asString() {
				return "topic";
			}
		},

		/** The listener's group; {@code none} for a reply to a request. */
		GROUP {
			@Override
			public String asString() {
				return "group";
			}
		},

		/** The listener's id; {@code reply} for a reply to a request. */
		LISTENER {
			@Override
			public String asString() {
				return "listener";
			}
		},

		/**
		 * {@code consumed}, {@code skipped}, {@code retried}, {@code dead-lettered} or
		 * {@code answered-with-error}.
		 */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		},

		/**
		 * Why: {@code filtered}, {@code duplicate}, a dead-letter reason such as
		 * {@code handler-failed}, or {@code none}.
		 */
		REASON {
			@Override
			public String asString() {
				return "reason";
			}
		}

	}

	/** High-cardinality keys: on spans and logs, never on meters. */
	public enum CommonHighCardinalityKeys implements KeyName {

		/** The message's id. */
		MESSAGE_ID {
			@Override
			public String asString() {
				return "bus.message.id";
			}
		},

		/** The delivery attempt, 1 for the first. */
		ATTEMPT {
			@Override
			public String asString() {
				return "bus.attempt";
			}
		}

	}

}
