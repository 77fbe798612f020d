/**
 * What an app's {@code bus} actuator endpoint answers to the people and tools that
 * operate it (the console): dead-letter listings and the results of replays, discards and
 * releases. The starter writes these, the console reads them.
 */
package dev.bus.core.operations;
