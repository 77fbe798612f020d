package dev.bus.console.failures;

import java.util.List;

/**
 * The dead letters of every service, grouped, and what could not be read.
 *
 * @param groups the groups, largest first
 * @param waiting dead letters waiting in all, as the apps counted them ({@code -1} where
 * unknown is left out)
 * @param problems the services, apps or Consul that did not answer, in words
 */
public record FailureReport(List<FailureGroup> groups, long waiting, List<String> problems) {

	/** The group with this key, or {@code null}. */
	public FailureGroup group(String key) {
		return this.groups.stream().filter((group) -> group.key().equals(key)).findFirst().orElse(null);
	}

}
