package dev.bus.asyncapi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;

/**
 * Writes the AsyncAPI document to a file once the context has refreshed
 * ({@code bus.asyncapi.write-to}), so a build can produce it without serving it: run the
 * app with {@code -Dspring.context.exit=onRefresh}.
 */
public class AsyncApiWriter implements ApplicationListener<ContextRefreshedEvent> {

	private static final Log log = LogFactory.getLog(AsyncApiWriter.class);

	private final BusAsyncApi asyncApi;

	private final Path target;

	private final JsonMapper jsonMapper;

	public AsyncApiWriter(BusAsyncApi asyncApi, Path target, JsonMapper jsonMapper) {
		this.asyncApi = asyncApi;
		this.target = target;
		this.jsonMapper = jsonMapper.rebuild().enable(SerializationFeature.INDENT_OUTPUT).build();
	}

	@Override
	public void onApplicationEvent(ContextRefreshedEvent event) {
		try {
			Path parent = this.target.toAbsolutePath().getParent();
			if (parent != null) {
				Files.createDirectories(parent);
			}
			Files.writeString(this.target, this.jsonMapper.writeValueAsString(this.asyncApi.document()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(
					"Cannot write the AsyncAPI document to " + this.target + " (bus.asyncapi.write-to)", ex);
		}
		log.info("Wrote the AsyncAPI document to " + this.target);
	}

}
