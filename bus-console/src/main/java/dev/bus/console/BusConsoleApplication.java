package dev.bus.console;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The Bus console: what runs on the bus and what failed on it, in one place, for the
 * people who operate a Bus system (docs/console.md).
 */
@SpringBootApplication
@EnableConfigurationProperties(ConsoleProperties.class)
public class BusConsoleApplication {

	public static void main(String[] args) {
		SpringApplication.run(BusConsoleApplication.class, args);
	}

}
