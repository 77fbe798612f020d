package dev.bus.core;

/**
 * Content types Bus writes and recognises.
 */
public final class BusContentTypes {

	public static final String JSON = "application/json";

	/** A batch of logical messages packed by {@link dev.bus.core.batch.BatchCodec}. */
	public static final String BATCH = "application/vnd.bus.batch";

	private BusContentTypes() {
	}

	/**
	 * Whether a content type carries JSON: {@code application/json}, any {@code +json}
	 * suffix, with or without parameters such as {@code charset}. A missing content type
	 * counts as JSON, because plain AMQP publishers often leave it out.
	 */
	public static boolean isJson(String contentType) {
		if (contentType == null || contentType.isBlank()) {
			return true;
		}
		String base = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
		return base.equals(JSON) || (base.startsWith("application/") && base.endsWith("+json"))
				|| base.equals("text/json");
	}

}
