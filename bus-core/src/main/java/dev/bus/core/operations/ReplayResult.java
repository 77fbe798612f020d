package dev.bus.core.operations;

/**
 * What a replay did ({@code POST /actuator/bus/{listenerId}}).
 *
 * @param listener the listener's id
 * @param replayed how many dead letters went back to the listener
 * @param refused dead letters left in place because this application did not put them
 * there (nor the broker from the listener's queue), or their first delivery was not
 * trusted
 * @param deadLettersLeft the queue's count then
 */
public record ReplayResult(String listener, int replayed, int refused, long deadLettersLeft) {
}
