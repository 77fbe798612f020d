package dev.bus.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP forwarder in front of the real broker, so a test can make the broker
 * unreachable (and reachable again) for one application without stopping the broker every
 * other test uses.
 */
public final class TcpProxy implements AutoCloseable {

	private final int port;

	private final int targetPort;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private volatile ServerSocket server;

	private volatile boolean frozen;

	private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();

	public TcpProxy(int targetPort) throws IOException {
		this.targetPort = targetPort;
		try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			this.port = probe.getLocalPort();
		}
	}

	public int port() {
		return this.port;
	}

	/** How many client connections this proxy has accepted since it was created. */
	public int accepted() {
		return this.accepted.get();
	}

	/** Starts accepting and forwarding connections. */
	public synchronized void open() throws IOException {
		ServerSocket socket = new ServerSocket();
		socket.setReuseAddress(true);
		socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port));
		this.server = socket;
		Thread acceptor = new Thread(() -> accept(socket), "tcp-proxy-accept-" + this.port);
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/**
	 * Keeps connections open but stops forwarding bytes, as a stalled broker or network
	 * would: nothing is answered until {@link #thaw()}.
	 */
	public void freeze() {
		this.frozen = true;
	}

	public void thaw() {
		this.frozen = false;
	}

	/**
	 * Cuts every open connection but keeps accepting new ones, as a dropped connection on
	 * a working network would: the client reconnects at once, and the proxy never gives
	 * up its port (which a client reconnecting in the meantime could take as its own
	 * local port).
	 */
	public void drop() throws IOException {
		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.sockets.clear();
	}

	/**
	 * Stops accepting and cuts every open connection, as a broker crash or network loss
	 * would.
	 */
	public synchronized void cut() throws IOException {
		if (this.server != null) {
			this.server.close();
			this.server = null;
		}
		for (Socket socket : this.sockets) {
			socket.close();
		}
		this.sockets.clear();
	}

	private void accept(ServerSocket server) {
		while (!server.isClosed()) {
			try {
				Socket client = server.accept();
				this.accepted.incrementAndGet();
				Socket upstream = new Socket(InetAddress.getLoopbackAddress(), this.targetPort);
				this.sockets.add(client);
				this.sockets.add(upstream);
				pipe(client, upstream);
				pipe(upstream, client);
			}
			catch (IOException ex) {
				// server closed by cut(), or upstream unreachable: the client sees a
				// closed connection
			}
		}
	}

	private void pipe(Socket from, Socket to) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16384];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) != -1) {
					while (this.frozen && !to.isClosed()) {
						Thread.onSpinWait();
						Thread.yield();
					}
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// connection cut
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
			}
		}, "tcp-proxy-pipe");
		thread.setDaemon(true);
		thread.start();
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already closed
		}
	}

	@Override
	public void close() throws IOException {
		cut();
	}

}
