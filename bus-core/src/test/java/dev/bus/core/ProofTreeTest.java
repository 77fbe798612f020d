package dev.bus.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ProofTreeTest {

	@Test
	void everyLeafsPathLeadsToTheRootOfRfc9162sTreeHash() throws Exception {
		for (int size : new int[] { 1, 2, 3, 4, 5, 7, 8, 9, 13, 31, 64, 100, ProofTree.MAX_LEAVES }) {
			List<byte[]> leaves = leaves(size);
			ProofTree tree = ProofTree.of(leaves);
			assertThat(tree.root()).as("root of %d", size).isEqualTo(referenceTreeHash(leaves));
			for (int i = 0; i < size; i++) {
				assertThat(ProofTree.rootFrom(leaves.get(i), tree.path(i), size)).as("leaf %d of %d", i, size)
					.isEqualTo(tree.root());
			}
		}
	}

	@Test
	void aLoneMessagesRootIsItsLeafAndItsPathItsIndex() {
		byte[] leaf = ProofTree.leaf("m1", "orders.created", new byte[] { 1 });
		ProofTree tree = ProofTree.of(List.of(leaf));
		assertThat(tree.path(0)).isEqualTo("0");
		assertThat(tree.root()).isEqualTo(leaf);
	}

	@Test
	void anotherMessageOrAnotherPlaceInTheTreeLeadsElsewhere() {
		List<byte[]> leaves = leaves(5);
		ProofTree tree = ProofTree.of(leaves);
		byte[] root = tree.root();
		assertThat(ProofTree.rootFrom(leaves.get(1), tree.path(2), 5)).isNotEqualTo(root);
		assertThat(ProofTree.rootFrom(ProofTree.leaf("other", "t", new byte[0]), tree.path(2), 5)).isNotEqualTo(root);
		String moved = "3" + tree.path(2).substring(1);
		assertThat(ProofTree.rootFrom(leaves.get(2), moved, 5)).isNotEqualTo(root);
	}

	@Test
	void theLeafCoversIdTopicAndBody() {
		byte[] leaf = ProofTree.leaf("m1", "orders.created", "{}".getBytes(StandardCharsets.UTF_8));
		assertThat(ProofTree.leaf("m2", "orders.created", "{}".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(leaf);
		assertThat(ProofTree.leaf("m1", "orders.paid", "{}".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(leaf);
		assertThat(ProofTree.leaf("m1", "orders.created", "[]".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(leaf);
		assertThat(ProofTree.leaf("m1", "orders.created", "{}".getBytes(StandardCharsets.UTF_8))).isEqualTo(leaf);
	}

	@Test
	void malformedOrMisfittingPathsAreRefusedWithWhy() {
		List<byte[]> leaves = leaves(4);
		ProofTree tree = ProofTree.of(leaves);
		String path = tree.path(1);
		assertThatIllegalArgumentException().isThrownBy(() -> ProofTree.rootFrom(leaves.get(1), "x", 4))
			.withMessageContaining("leaf index");
		assertThatIllegalArgumentException().isThrownBy(() -> ProofTree.rootFrom(leaves.get(1), path, 1))
			.withMessageContaining("not in a proof tree of 1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProofTree.rootFrom(leaves.get(1), path.substring(0, path.lastIndexOf('.')), 4))
			.withMessageContaining("shorter");
		assertThatIllegalArgumentException().isThrownBy(() -> ProofTree.rootFrom(leaves.get(1), path + ".AAAA", 4))
			.withMessageContaining("longer");
		assertThatIllegalArgumentException().isThrownBy(() -> ProofTree.rootFrom(leaves.get(1), "1.%%", 4))
			.withMessageContaining("base64url");
		assertThatIllegalArgumentException().isThrownBy(() -> ProofTree.of(List.of()));
		assertThatIllegalArgumentException().isThrownBy(() -> ProofTree.of(leaves(ProofTree.MAX_LEAVES + 1)));
	}

	private static List<byte[]> leaves(int size) {
		List<byte[]> leaves = new ArrayList<>();
		for (int i = 0; i < size; i++) {
			leaves.add(ProofTree.leaf("m" + i, "orders.created", new byte[] { (byte) i }));
		}
		return leaves;
	}

	/**
	 * RFC 9162's MTH written from its definition, independently of the tree under test.
	 */
	private static byte[] referenceTreeHash(List<byte[]> leaves) throws Exception {
		if (leaves.size() == 1) {
			return leaves.get(0);
		}
		int k = 1;
		while (k * 2 < leaves.size()) {
			k *= 2;
		}
		MessageDigest digest = MessageDigest.getInstance("SHA-256");
		digest.update((byte) 1);
		digest.update(referenceTreeHash(leaves.subList(0, k)));
		digest.update(referenceTreeHash(leaves.subList(k, leaves.size())));
		return digest.digest();
	}

}
