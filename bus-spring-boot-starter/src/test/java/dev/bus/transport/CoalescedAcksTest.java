package dev.bus.transport;

import org.junit.jupiter.api.Test;

import dev.bus.test.FakeChannel;
import dev.bus.test.FakeChannel.Ack;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Grouped acknowledgements on fake channels: when a group goes out, rejects, the ack
 * timeout, stopping, and channels that close and are replaced by recovery.
 */
class CoalescedAcksTest {

	private final FakeChannel channel = new FakeChannel();

	@Test
	void aFullGroupGoesOutAsOneMultipleAck() throws Exception {
		CoalescedAcks acks = new CoalescedAcks(3, 3_600_000);
		acks.ack(this.channel.channel(), 1);
		acks.ack(this.channel.channel(), 2);
		assertThat(this.channel.acks()).isEmpty();
		assertThat(acks.pendingCount()).isEqualTo(2);
		acks.ack(this.channel.channel(), 3);
		assertThat(this.channel.acks()).containsExactly(new Ack(3, true, false));
		assertThat(acks.pendingCount()).isZero();
	}

	@Test
	void aRejectFirstAcknowledgesWhatWasSettledBeforeItThenRejectsOnItsOwn() throws Exception {
		CoalescedAcks acks = new CoalescedAcks(10, 3_600_000);
		acks.ack(this.channel.channel(), 1);
		acks.ack(this.channel.channel(), 2);
		acks.reject(this.channel.channel(), 3);
		acks.ack(this.channel.channel(), 4);
		assertThat(this.channel.acks()).containsExactly(new Ack(2, true, false), new Ack(3, false, true));
		assertThat(acks.pendingCount()).isEqualTo(1);
	}

	@Test
	void aGroupOlderThanTheTimeoutGoesOutOnTheNextCheck() throws Exception {
		CoalescedAcks patient = new CoalescedAcks(10, 3_600_000);
		patient.ack(this.channel.channel(), 1);
		patient.flushExpired();
		assertThat(this.channel.acks()).isEmpty();

		CoalescedAcks impatient = new CoalescedAcks(10, 0);
		impatient.ack(this.channel.channel(), 2);
		impatient.flushExpired();
		assertThat(this.channel.acks()).containsExactly(new Ack(2, true, false));
	}

	@Test
	void stoppingSendsWhatIsPendingAndThenAcksAtOnceUntilRestarted() throws Exception {
		CoalescedAcks acks = new CoalescedAcks(10, 3_600_000);
		acks.ack(this.channel.channel(), 1);
		acks.stopping();
		acks.ack(this.channel.channel(), 2);
		assertThat(this.channel.acks()).containsExactly(new Ack(1, true, false), new Ack(2, true, false));
		acks.started();
		acks.ack(this.channel.channel(), 3);
		assertThat(this.channel.acks()).hasSize(2);
	}

	@Test
	void acksOfAClosedChannelAreDroppedAndItsReplacementKeepsItsOwnTags() throws Exception {
		CoalescedAcks acks = new CoalescedAcks(3, 3_600_000);
		acks.ack(this.channel.channel(), 1);
		acks.ack(this.channel.channel(), 2);
		this.channel.close("connection lost");
		assertThat(acks.pendingCount()).as("the broker requeued them").isZero();

		FakeChannel recovered = new FakeChannel();
		acks.ack(recovered.channel(), 1);
		acks.ack(recovered.channel(), 2);
		acks.ack(recovered.channel(), 3);
		assertThat(recovered.acks()).containsExactly(new Ack(3, true, false));
		assertThat(this.channel.acks()).isEmpty();
	}

	@Test
	void aFailedWriteOnAClosingChannelLosesNothingAndThrowsNothing() throws Exception {
		CoalescedAcks acks = new CoalescedAcks(10, 0);
		acks.ack(this.channel.channel(), 1);
		this.channel.failWrites();
		acks.flushExpired();
		assertThat(this.channel.acks()).isEmpty();
	}

	@Test
	void immediateAcksEachDeliveryOnItsOwn() throws Exception {
		CoalescedAcks acks = CoalescedAcks.immediate();
		acks.ack(this.channel.channel(), 1);
		acks.ack(this.channel.channel(), 2);
		assertThat(this.channel.acks()).containsExactly(new Ack(1, false, false), new Ack(2, false, false));
	}

}
