package dev.bus.autoconfigure;

import java.nio.file.Path;

/** The application's AsyncAPI document ({@code /actuator/asyncapi}). */
public class AsyncApiProperties {

	/** Title of the document; defaults to {@code spring.application.name}. */
	private String title;

	/** Version of the application's contract. */
	private String version = "1.0.0";

	/** What the application does, for the teams that read its contract. */
	private String description;

	/**
	 * File the document is written to once the context has refreshed, for a build step
	 * (run the app with {@code -Dspring.context.exit=onRefresh}); none by default.
	 */
	private Path writeTo;

	public String getTitle() {
		return this.title;
	}

	public void setTitle(String title) {
		this.title = title;
	}

	public String getVersion() {
		return this.version;
	}

	public void setVersion(String version) {
		this.version = version;
	}

	public String getDescription() {
		return this.description;
	}

	public void setDescription(String description) {
		this.description = description;
	}

	public Path getWriteTo() {
		return this.writeTo;
	}

	public void setWriteTo(Path writeTo) {
		this.writeTo = writeTo;
	}

}
