package dev.bus.core.operations;

import java.util.List;

/**
 * A listener's dead letters, as its app lists them ({@code GET
 * /actuator/bus/{listenerId}/dead-letters}).
 *
 * @param listener the listener's id
 * @param queue its dead-letter queue
 * @param waiting the queue's count when the listing was made, {@code -1} when unknown
 * @param deadLetters the first of them, oldest first
 */
public record DeadLetterListing(String listener, String queue, long waiting, List<DeadLetter> deadLetters) {
}
