package dev.bus.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Dockerfile of this repository says, read as text: the instructions of its last
 * stage, so a test can run the same commands without a container engine and check that
 * they still fit together.
 */
record Dockerfile(Path path, List<String> instructions) {

	private static final Pattern JSON_ARRAY = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

	static Dockerfile read(Path path) {
		try {
			String text = Files.readString(path).replace("\\\n", " ");
			List<String> instructions = new ArrayList<>();
			for (String line : text.split("\n")) {
				String trimmed = line.strip();
				if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
					instructions.add(trimmed.replaceAll("\\s+", " "));
				}
			}
			return new Dockerfile(path, instructions);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The words after {@code image-layers <step>} in its RUN instruction, up to the next
	 * {@code &&}.
	 */
	List<String> imageLayersArguments(String step) {
		Pattern call = Pattern.compile("image-layers " + step + "(?: ([^&]*))?");
		return this.instructions.stream()
			.filter((instruction) -> instruction.startsWith("RUN "))
			.map(call::matcher)
			.filter(Matcher::find)
			.map((matcher) -> (matcher.group(1) != null)
					? Arrays.stream(matcher.group(1).strip().split(" ")).filter((word) -> !word.isEmpty()).toList()
					: List.<String>of())
			.findFirst()
			.orElseThrow(() -> new AssertionError(this.path + " does not run scripts/image-layers " + step));
	}

	/** The final stage's working directory. */
	String workdir() {
		return this.instructions.stream()
			.filter((instruction) -> instruction.startsWith("WORKDIR "))
			.reduce((first, last) -> last)
			.map((instruction) -> instruction.substring("WORKDIR ".length()))
			.orElseThrow(() -> new AssertionError(this.path + " has no WORKDIR"));
	}

	/** The ENTRYPOINT's exec form. */
	List<String> entrypoint() {
		String entrypoint = this.instructions.stream()
			.filter((instruction) -> instruction.startsWith("ENTRYPOINT ["))
			.reduce((first, last) -> last)
			.orElseThrow(() -> new AssertionError(this.path + " has no exec-form ENTRYPOINT"));
		List<String> words = new ArrayList<>();
		Matcher matcher = JSON_ARRAY.matcher(entrypoint);
		while (matcher.find()) {
			words.add(matcher.group(1));
		}
		return words;
	}

	/**
	 * The sources of its COPY instructions from the build context (not {@code --from} a
	 * stage).
	 */
	List<String> contextSources() {
		return this.instructions.stream()
			.filter((instruction) -> instruction.startsWith("COPY ") && !instruction.startsWith("COPY --from"))
			.flatMap((instruction) -> {
				List<String> words = Arrays.asList(instruction.split(" "));
				return words.subList(1, words.size() - 1).stream();
			})
			.toList();
	}

}
