package dev.bus.console;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven by Debian's chromedriver: nothing downloaded, no
 * network but loopback (the background-networking flags keep Chromium from calling out).
 * Each browser is a new profile, so each person logs in afresh.
 */
final class Browser implements AutoCloseable {

	private static final File CHROMIUM = new File("/usr/bin/chromium");

	private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

	private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

	final ChromeDriver driver;

	private final String console;

	private Browser(ChromeDriver driver, String console) {
		this.driver = driver;
		this.console = console;
	}

	static Browser open(String console) {
		if (!CHROMIUM.canExecute() || !CHROMEDRIVER.canExecute()) {
			throw new AssertionError("Chromium and chromedriver are missing: scripts/infra up installs Debian's "
					+ "chromium and chromium-driver");
		}
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM);
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--window-size=1400,1000");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
			.usingAnyFreePort()
			.build();
		return new Browser(new ChromeDriver(service, options), console);
	}

	/** Opens a console page, logging in at the issuer's form first when asked to. */
	Browser login(String user, String password) {
		this.driver.get(this.console + "/");
		wait(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.name("username")));
		this.driver.findElement(By.name("username")).sendKeys(user);
		this.driver.findElement(By.name("password")).sendKeys(password);
		this.driver.findElement(By.cssSelector("button[type=submit]")).click();
		try {
			wait(Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(By.id("user")));
		}
		catch (org.openqa.selenium.TimeoutException ex) {
			throw new AssertionError(
					"not logged in to the console as " + user + ": the browser is at " + this.driver.getCurrentUrl()
							+ " showing: " + this.driver.findElement(By.tagName("body")).getText(),
					ex);
		}
		return this;
	}

	void go(String path) {
		this.driver.get(this.console + path);
	}

	WebDriverWait wait(Duration timeout) {
		WebDriverWait wait = new WebDriverWait(this.driver, timeout);
		wait.pollingEvery(Duration.ofMillis(50));
		return wait;
	}

	/**
	 * Clicks a button that submits a form and returns the outcome the next page shows
	 * (waiting for the page to be replaced first, since the one clicked on may show an
	 * earlier outcome). The page clicked on is marked in its window object, which a new
	 * document does not have: an element handle of the old page is no test, since
	 * ChromeDriver 156 answers a question about a detached node with "Node with given id
	 * does not belong to the document" rather than a stale element (a fresh-clone run
	 * failed on it), and a question asked while the page unloads may fail too.
	 */
	String submit(By button) {
		JavascriptExecutor script = (JavascriptExecutor) this.driver;
		script.executeScript("window.busSubmitted = true");
		this.driver.findElement(button).click();
		wait(Duration.ofSeconds(15)).ignoring(WebDriverException.class)
			.until((driver) -> Boolean.TRUE.equals(script.executeScript("return window.busSubmitted === undefined")));
		return wait(Duration.ofSeconds(15)).until(ExpectedConditions.presenceOfElementLocated(By.id("outcome")))
			.getText();
	}

	String text(String css) {
		return this.driver.findElement(By.cssSelector(css)).getText();
	}

	/**
	 * Keeps a screenshot of the page under target/console-screenshots for people to look
	 * at.
	 */
	void screenshot(String name) throws Exception {
		Files.createDirectories(SCREENSHOTS);
		Files.write(SCREENSHOTS.resolve(name + ".png"), this.driver.getScreenshotAs(OutputType.BYTES));
	}

	@Override
	public void close() {
		this.driver.quit();
	}

}
