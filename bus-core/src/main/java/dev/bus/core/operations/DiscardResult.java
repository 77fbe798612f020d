package dev.bus.core.operations;

/**
 * What a discard did ({@code DELETE /actuator/bus/{listenerId}/dead-letters}).
 *
 * @param listener the listener's id
 * @param discarded how many dead letters it removed
 * @param deadLettersLeft the queue's count then (passed-over messages are returned
 * asynchronously)
 */
public record DiscardResult(String listener, int discarded, long deadLettersLeft) {
}
