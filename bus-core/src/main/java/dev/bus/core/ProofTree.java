package dev.bus.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The Merkle tree one message proof signs: a leaf per message (its id, topic and body
 * digest), the tree hash and inclusion paths of RFC 9162 (Certificate Transparency 2.0,
 * section 2.1) with SHA-256. One signature over the root proves every message of a burst,
 * and each message carries the signature and its own path (a few hashes), so a listener
 * that sees one message of the burst checks it alone.
 *
 * <p>
 * Why a tree and not a signature per message: a signature costs more than everything else
 * Bus does with a message (docs/BENCHMARKS.md, "What a proof of possession per message
 * would cost": ES256 0.05x and Ed25519 0.06x of the raw client). Batch signing is the
 * standard remedy (draft-ietf-tls-batch-signing uses the same tree). No maintained Java
 * library offers RFC 9162's tree on its own (Google's Trillian is Go), and the part Bus
 * needs is the hash and path rules below.
 *
 * <p>
 * Path header format ({@value BusHeaders#PROOF_PATH}): the leaf's index, then each path
 * hash from the leaf up, base64url without padding, separated by dots; a lone message's
 * path is {@code 0}.
 */
public final class ProofTree {

	/** Upper bound on leaves per tree: a path then has at most 10 hashes. */
	public static final int MAX_LEAVES = 1024;

	private static final byte[] LEAF_DOMAIN = "bus-proof/v1".getBytes(StandardCharsets.UTF_8);

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

	private final byte[] root;

	/** Each leaf's path hashes, from the leaf up. */
	private final List<List<byte[]>> paths;

	private ProofTree(List<byte[]> leaves) {
		this.paths = new ArrayList<>(leaves.size());
		for (int i = 0; i < leaves.size(); i++) {
			this.paths.add(new ArrayList<>());
		}
		this.root = build(leaves, 0, leaves.size());
	}

	/**
	 * A tree over leaf hashes ({@link #leaf}), in order; between 1 and
	 * {@value #MAX_LEAVES} of them.
	 */
	public static ProofTree of(List<byte[]> leaves) {
		if (leaves.isEmpty() || leaves.size() > MAX_LEAVES) {
			throw new IllegalArgumentException("a proof tree has 1 to " + MAX_LEAVES + " leaves, not " + leaves.size());
		}
		return new ProofTree(leaves);
	}

	/**
	 * The leaf hash of one message:
	 * {@code SHA-256(0x00 || "bus-proof/v1" NUL id NUL topic NUL SHA-256(body))}. Ids and
	 * topics are NUL-free (a topic is dot-separated words; Bus's ids are UUIDs), so the
	 * encoding is unambiguous.
	 */
	public static byte[] leaf(String messageId, String topic, byte[] body) {
		MessageDigest digest = sha256();
		byte[] bodyDigest = digest.digest(body);
		digest.update((byte) 0x00);
		digest.update(LEAF_DOMAIN);
		digest.update((byte) 0);
		digest.update(String.valueOf(messageId).getBytes(StandardCharsets.UTF_8));
		digest.update((byte) 0);
		digest.update(topic.getBytes(StandardCharsets.UTF_8));
		digest.update((byte) 0);
		digest.update(bodyDigest);
		return digest.digest();
	}

	/** Number of leaves. */
	public int size() {
		return this.paths.size();
	}

	/** RFC 9162's MTH of the leaves. */
	public byte[] root() {
		return this.root.clone();
	}

	/** The inclusion path of leaf {@code index}, from the leaf up, in the header form. */
	public String path(int index) {
		StringBuilder header = new StringBuilder(Integer.toString(index));
		for (byte[] hash : this.paths.get(index)) {
			header.append('.').append(ENCODER.encodeToString(hash));
		}
		return header.toString();
	}

	/**
	 * The root a leaf and its path lead to in a tree of {@code size} leaves (RFC 9162,
	 * 2.1.3.2).
	 * @throws IllegalArgumentException when the path is malformed or does not fit a tree
	 * of that size
	 */
	public static byte[] rootFrom(byte[] leaf, String pathHeader, int size) {
		String[] parts = pathHeader.split("\\.", -1);
		long index;
		try {
			index = Long.parseLong(parts[0]);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("the proof path does not start with a leaf index");
		}
		if (size < 1 || size > MAX_LEAVES || index < 0 || index >= size) {
			throw new IllegalArgumentException("leaf " + index + " is not in a proof tree of " + size + " leaves");
		}
		long fn = index;
		long sn = size - 1;
		byte[] r = leaf;
		for (int i = 1; i < parts.length; i++) {
			byte[] p;
			try {
				p = DECODER.decode(parts[i]);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("the proof path has a hash that is not base64url");
			}
			if (sn == 0) {
				throw new IllegalArgumentException("the proof path is longer than a tree of " + size + " leaves has");
			}
			if ((fn & 1) == 1 || fn == sn) {
				r = node(p, r);
				while ((fn & 1) == 0 && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
			}
			else {
				r = node(r, p);
			}
			fn >>= 1;
			sn >>= 1;
		}
		if (sn != 0) {
			throw new IllegalArgumentException("the proof path is shorter than a tree of " + size + " leaves needs");
		}
		return r;
	}

	/** Base64url without padding, the form roots and hashes travel in. */
	public static String encode(byte[] hash) {
		return ENCODER.encodeToString(hash);
	}

	/**
	 * MTH of leaves [from, to), adding each subtree's sibling to the paths of its leaves
	 * on the way back up: every node is hashed once, so a tree of n leaves and all its
	 * paths cost n - 1 hashes.
	 */
	private byte[] build(List<byte[]> leaves, int from, int to) {
		int n = to - from;
		if (n == 1) {
			return leaves.get(from);
		}
		int k = largestPowerOfTwoBelow(n);
		byte[] left = build(leaves, from, from + k);
		byte[] right = build(leaves, from + k, to);
		for (int i = from; i < to; i++) {
			this.paths.get(i).add((i < from + k) ? right : left);
		}
		return node(left, right);
	}

	private static int largestPowerOfTwoBelow(int n) {
		return Integer.highestOneBit(n - 1);
	}

	private static byte[] node(byte[] left, byte[] right) {
		MessageDigest digest = sha256();
		digest.update((byte) 0x01);
		digest.update(left);
		digest.update(right);
		return digest.digest();
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java platform has SHA-256", ex);
		}
	}

}
