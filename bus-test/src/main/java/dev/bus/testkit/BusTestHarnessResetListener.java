package dev.bus.testkit;

import org.springframework.test.context.TestContext;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Clears the harness before each test method, so a test sees only what happened in it (a
 * cached context serves many tests).
 */
class BusTestHarnessResetListener extends AbstractTestExecutionListener {

	@Override
	public int getOrder() {
		return LOWEST_PRECEDENCE - 100;
	}

	@Override
	public void beforeTestMethod(TestContext testContext) {
		if (testContext.hasApplicationContext()) {
			testContext.getApplicationContext()
				.getBeanProvider(BusTestHarness.class)
				.ifAvailable(BusTestHarness::reset);
		}
	}

}
