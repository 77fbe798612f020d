package dev.bus.sidecar.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * One of the sidecar's HTTP listeners on the JDK's built-in server: no servlet container,
 * so the sidecar starts fast and stays small. Handlers run on a bounded pool the context
 * owns, since long polls hold a thread each.
 */
public class SidecarHttpServer implements SmartLifecycle {

	/** Starts before the watches and the registrar, stops after them. */
	public static final int PHASE = Integer.MAX_VALUE - 300;

	private static final Log log = LogFactory.getLog(SidecarHttpServer.class);

	private final String name;

	private final InetSocketAddress bindAddress;

	private final HttpHandler handler;

	private @Nullable HttpServer server;

	private final Executor executor;

	/**
	 * @param executor runs the handlers: a bounded pool the context owns (long polls hold
	 * a thread each)
	 */
	public SidecarHttpServer(String name, InetSocketAddress bindAddress, HttpHandler handler, Executor executor) {
		this.name = name;
		this.bindAddress = bindAddress;
		this.handler = handler;
		this.executor = executor;
	}

	@Override
	public synchronized void start() {
		try {
			HttpServer created = HttpServer.create(this.bindAddress, 64);
			created.setExecutor(this.executor);
			created.createContext("/", this.handler);
			created.start();
			this.server = created;
			log.info("Sidecar " + this.name + " listening on http://" + created.getAddress().getHostString() + ":"
					+ created.getAddress().getPort());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot listen on " + this.bindAddress + " for the sidecar " + this.name
					+ " (check bus.sidecar." + this.name + ".port)", ex);
		}
	}

	/** The bound address (with the actual port when 0 was configured). */
	public InetSocketAddress address() {
		HttpServer current = this.server;
		if (current == null) {
			throw new IllegalStateException("The sidecar " + this.name + " server is not running");
		}
		return current.getAddress();
	}

	@Override
	public synchronized void stop() {
		if (this.server != null) {
			this.server.stop(0);
			this.server = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.server != null;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
