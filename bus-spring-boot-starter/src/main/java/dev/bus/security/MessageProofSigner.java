package dev.bus.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

import dev.bus.BusPublishException;
import dev.bus.BusPublishException.Reason;
import dev.bus.core.BusHeaders;
import dev.bus.core.ProofTree;
import dev.bus.transport.Envelope;
import dev.bus.publisher.EnvelopeSigner;

/**
 * Proves that this application sent each message whose per-message token is bound to its
 * key ({@link MessageProofKey}): one signature over the {@link ProofTree} of every such
 * message waiting when the signer is free, and each message gets the signature
 * ({@value BusHeaders#PROOF}) and its path ({@value BusHeaders#PROOF_PATH}). Other
 * messages (no token, or a bearer token) pass unchanged and at once.
 *
 * <p>
 * Signing works like a database's group commit: a lone message is signed alone, right
 * away (it waits one signature, 1 to 2 ms); under load, what arrives meanwhile is signed
 * together by the next signature, so the cost per message falls as the rate rises, with
 * no setting to tune. Signatures are paced so that signing takes at most a
 * {@value #MAX_DUTY_DIVISOR}th of one core: the next one starts no sooner than
 * {@value #MAX_DUTY_DIVISOR} times the last one's duration after it began. Unpaced, a
 * signer kept busy by a steady rate signs back to back, small trees at a full core's cost
 * (measured: Bus (secured) at 0.43x Bus (secured node) in B-quorum, 263 against 87 us of
 * JVM CPU per message at 5,000 msg/s); paced, the trees grow with the rate instead, and
 * each listener verifies as few proofs. Signing and then sending happen on one thread
 * ({@code bus-message-proofs}), in arrival order, so messages of one topic keep their
 * order. Once {@value #UNPACED_TREE} messages are waiting, the next signature starts at
 * once: a tree that large costs little per message, and a publisher whose window of
 * unconfirmed messages is full gains nothing from waiting longer.
 *
 * <p>
 * A proof's claims: {@code ath} (the token's SHA-256, as in RFC 9449), {@code iat} (when
 * it was signed), {@code root} (the tree's root) and {@code leaves} (the tree's size).
 * Listeners check them with {@link MessageProofVerifier}.
 */
public class MessageProofSigner implements EnvelopeSigner, AutoCloseable {

	/**
	 * Signing takes at most this share (its inverse) of one core, unless
	 * {@link #UNPACED_TREE} are waiting.
	 */
	static final int MAX_DUTY_DIVISOR = 4;

	/**
	 * Messages waiting that make the next signature start at once: a tree this large
	 * already costs little per message, and a publisher whose unconfirmed window is full
	 * would only wait longer.
	 */
	static final int UNPACED_TREE = 64;

	private final MessageProofKey key;

	private final ExecutorService executor = Executors
		.newSingleThreadExecutor(daemon(new CustomizableThreadFactory("bus-message-proofs-")));

	private final Object lock = new Object();

	private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();

	private boolean draining;

	private final LongAdder signatures = new LongAdder();

	private final LongAdder provedMessages = new LongAdder();

	private final LongAdder signingNanos = new LongAdder();

	/**
	 * When the next signature may begin ({@link System#nanoTime()}), from the pace of the
	 * last one.
	 */
	private volatile long nextSignatureAt = System.nanoTime();

	/**
	 * Whether the last token seen is bound to this key: tokens change every few minutes,
	 * messages far more often.
	 */
	private volatile TokenBinding lastToken;

	public MessageProofSigner(MessageProofKey key) {
		this.key = key;
	}

	@Override
	public CompletableFuture<Envelope> sign(Envelope envelope) {
		String token = boundToken(envelope);
		if (token == null) {
			return CompletableFuture.completedFuture(envelope);
		}
		Waiting entry = new Waiting(envelope, token);
		boolean start;
		synchronized (this.lock) {
			this.waiting.addLast(entry);
			start = !this.draining;
			this.draining = true;
		}
		if (start) {
			try {
				this.executor.execute(this::drain);
			}
			catch (RuntimeException ex) {
				// Shut down: nothing is signed any more.
				synchronized (this.lock) {
					this.waiting.remove(entry);
					this.draining = false;
				}
				return CompletableFuture.failedFuture(notSigned(envelope, "the publisher is shut down", ex));
			}
		}
		return entry.signed;
	}

	@Override
	public Envelope signNow(Envelope envelope) {
		return signTogether(List.of(envelope)).get(0);
	}

	/**
	 * Signs envelopes on the calling thread under one proof: those with a bound token
	 * each get it and their path, the others are returned as they are.
	 * @throws BusPublishException when the proof cannot be signed
	 */
	List<Envelope> signTogether(List<Envelope> envelopes) {
		List<Waiting> entries = new ArrayList<>();
		List<Integer> positions = new ArrayList<>();
		List<Envelope> signed = new ArrayList<>(envelopes);
		for (int i = 0; i < envelopes.size(); i++) {
			String token = boundToken(envelopes.get(i));
			if (token != null) {
				entries.add(new Waiting(envelopes.get(i), token));
				positions.add(i);
			}
		}
		proveByToken(entries);
		for (int i = 0; i < entries.size(); i++) {
			try {
				signed.set(positions.get(i), entries.get(i).signed.join());
			}
			catch (CompletionException ex) {
				throw (BusPublishException) ex.getCause();
			}
		}
		return signed;
	}

	/** Signs what is waiting, up to a tree's worth at a time, until nothing is. */
	private void drain() {
		while (true) {
			long pause = this.nextSignatureAt - System.nanoTime();
			if (pause > 0 && waitingFewerThan(UNPACED_TREE)) {
				// what arrives meanwhile joins this signature's tree
				LockSupport.parkNanos(pause);
			}
			List<Waiting> batch = new ArrayList<>();
			synchronized (this.lock) {
				while (batch.size() < ProofTree.MAX_LEAVES && !this.waiting.isEmpty()) {
					batch.add(this.waiting.pollFirst());
				}
				if (batch.isEmpty()) {
					this.draining = false;
					return;
				}
			}
			proveByToken(batch);
		}
	}

	private boolean waitingFewerThan(int count) {
		synchronized (this.lock) {
			return this.waiting.size() < count;
		}
	}

	/**
	 * A proof names one token ({@code ath}): a token renewed within a burst starts
	 * another proof.
	 */
	private void proveByToken(List<Waiting> entries) {
		int from = 0;
		for (int i = 1; i <= entries.size(); i++) {
			if (i == entries.size() || !entries.get(i).token.equals(entries.get(from).token)) {
				prove(entries.subList(from, i));
				from = i;
			}
		}
	}

	/**
	 * One proof for messages that carry the same token; each gets it with its own path,
	 * or the failure.
	 */
	private void prove(List<Waiting> entries) {
		String proof;
		ProofTree tree;
		try {
			List<byte[]> leaves = new ArrayList<>(entries.size());
			for (Waiting entry : entries) {
				Envelope envelope = entry.envelope;
				leaves.add(ProofTree.leaf(envelope.messageId(), envelope.topic(), envelope.body()));
			}
			tree = ProofTree.of(leaves);
			long began = System.nanoTime();
			proof = this.key.sign(new JWTClaimsSet.Builder()
				.claim(MessageProofVerifier.TOKEN_HASH, ProofTree.encode(tokenDigest(entries.get(0).token)))
				.issueTime(Date.from(this.key.clock().instant()))
				.claim(MessageProofVerifier.ROOT, ProofTree.encode(tree.root()))
				.claim(MessageProofVerifier.LEAVES, tree.size())
				.build());
			long took = System.nanoTime() - began;
			this.nextSignatureAt = began + MAX_DUTY_DIVISOR * took;
			this.signatures.increment();
			this.provedMessages.add(entries.size());
			this.signingNanos.add(took);
		}
		catch (RuntimeException ex) {
			entries.forEach((entry) -> entry.signed
				.completeExceptionally(notSigned(entry.envelope, "cannot sign its proof: " + ex.getMessage(), ex)));
			return;
		}
		for (int i = 0; i < entries.size(); i++) {
			Waiting entry = entries.get(i);
			entry.signed.complete(withProof(entry.envelope, proof, tree.path(i)));
		}
	}

	/** The token the envelope carries when it is bound to this key, else {@code null}. */
	private String boundToken(Envelope envelope) {
		Map<String, Object> headers = envelope.properties().getHeaders();
		if (headers == null || !(headers.get(BusHeaders.AUTHORIZATION) instanceof String token)) {
			return null;
		}
		TokenBinding last = this.lastToken;
		if (last == null || !last.token.equals(token)) {
			last = new TokenBinding(token, this.key.thumbprint().equals(boundKey(token)));
			this.lastToken = last;
		}
		return last.bound ? token : null;
	}

	private static String boundKey(String token) {
		try {
			Map<String, Object> confirmation = JWTParser.parse(token).getJWTClaimsSet().getJSONObjectClaim("cnf");
			return (confirmation != null && confirmation.get("jkt") instanceof String thumbprint) ? thumbprint : null;
		}
		catch (ParseException ex) {
			return null;
		}
	}

	/** The token's SHA-256 (the {@code ath} of RFC 9449, which travels base64url). */
	static byte[] tokenDigest(String token) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every Java platform has SHA-256", ex);
		}
	}

	private static Envelope withProof(Envelope envelope, String proof, String path) {
		Map<String, Object> headers = new HashMap<>(envelope.properties().getHeaders());
		headers.put(BusHeaders.PROOF, proof);
		headers.put(BusHeaders.PROOF_PATH, path);
		return new Envelope(envelope.topic(), envelope.messageId(),
				envelope.properties().builder().headers(headers).build(), envelope.body());
	}

	private static BusPublishException notSigned(Envelope envelope, String detail, Throwable cause) {
		return new BusPublishException(Reason.REJECTED, envelope.topic(), envelope.messageId(), detail, cause);
	}

	private static CustomizableThreadFactory daemon(CustomizableThreadFactory factory) {
		factory.setDaemon(true);
		return factory;
	}

	/** Signatures made so far: each proves a tree of messages. */
	public long signatures() {
		return this.signatures.sum();
	}

	/** Messages proved so far; divided by {@link #signatures()}, the mean tree. */
	public long provedMessages() {
		return this.provedMessages.sum();
	}

	/**
	 * Time spent signing so far, in seconds: its rate is the share of a core signing
	 * takes.
	 */
	public double signingSeconds() {
		return this.signingNanos.sum() / 1e9;
	}

	/** Stops signing; what is waiting is still signed and sent. */
	@Override
	public void close() {
		this.executor.shutdown();
	}

	private record TokenBinding(String token, boolean bound) {
	}

	private static final class Waiting {

		private final Envelope envelope;

		private final String token;

		private final CompletableFuture<Envelope> signed = new CompletableFuture<>();

		Waiting(Envelope envelope, String token) {
			this.envelope = envelope;
			this.token = token;
		}

	}

}
