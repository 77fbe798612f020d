package dev.bus.listener;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;

import dev.bus.annotation.BusListener;

/**
 * Finds {@code @BusListener} methods on beans and, once all singletons exist, hands them
 * to the {@link BusListenerRegistrar}. Collecting first and registering later keeps this
 * post-processor free of dependencies, so no bean is created early and every bean stays
 * eligible for proxying.
 *
 * <p>
 * No listener is silently left out. A lazy singleton with listener methods is created
 * with the other singletons (a listener exists to consume; it would otherwise wait for
 * someone to ask for its bean); a bean created later still (a lazy bean asked for by name
 * at run time) is registered and started then. A listener on a bean of any other scope
 * (prototype, request, ...) fails start-up: its instances would compete for one queue,
 * and a new instance could never take over an old one's registration.
 */
public class BusListenerAnnotationBeanPostProcessor implements BeanPostProcessor, SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(BusListenerAnnotationBeanPostProcessor.class);

	private final ConfigurableListableBeanFactory beanFactory;

	private final List<Found> found = new ArrayList<>();

	private volatile BusListenerRegistrar registrar;

	public BusListenerAnnotationBeanPostProcessor(ConfigurableListableBeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Map<Method, BusListener> methods = listenerMethods(AopUtils.getTargetClass(bean));
		if (methods.isEmpty()) {
			return bean;
		}
		List<Found> listeners = new ArrayList<>();
		methods.forEach((method, annotation) -> listeners
			.add(new Found(beanName, bean, AopUtils.selectInvocableMethod(method, bean.getClass()), annotation)));
		BusListenerRegistrar lateRegistrar = this.registrar;
		if (lateRegistrar == null) {
			synchronized (this.found) {
				this.found.addAll(listeners);
			}
		}
		else {
			logger.info("Registering the @BusListener methods of bean '" + beanName + "', created after start-up");
			listeners.forEach((listener) -> listener.registerWith(lateRegistrar));
		}
		return bean;
	}

	@Override
	public void afterSingletonsInstantiated() {
		createLazyListenersAndRefuseOtherScopes();
		List<Found> listeners;
		synchronized (this.found) {
			listeners = List.copyOf(this.found);
			this.found.clear();
		}
		if (listeners.isEmpty() && this.beanFactory.getBeanNamesForType(BusListenerRegistrar.class).length == 0) {
			return;
		}
		BusListenerRegistrar registrar = this.beanFactory.getBean(BusListenerRegistrar.class);
		listeners.forEach((listener) -> listener.registerWith(registrar));
		this.registrar = registrar;
	}

	private void createLazyListenersAndRefuseOtherScopes() {
		for (String name : this.beanFactory.getBeanDefinitionNames()) {
			BeanDefinition definition = this.beanFactory.getMergedBeanDefinition(name);
			if (definition.isAbstract() || (definition.isSingleton() && !definition.isLazyInit())) {
				continue;
			}
			Class<?> type = this.beanFactory.getType(name, false);
			if (type == null || listenerMethods(type).isEmpty()) {
				continue;
			}
			if (!definition.isSingleton()) {
				throw new IllegalStateException("Bean '" + name + "' has @BusListener methods "
						+ listenerMethods(type).keySet().stream().map(Method::getName).sorted().toList()
						+ " but is of scope '" + definition.getScope() + "': each instance would compete for the same "
						+ "queue. Make it a singleton, or move the listener methods to one");
			}
			this.beanFactory.getBean(name);
		}
	}

	private static Map<Method, BusListener> listenerMethods(Class<?> type) {
		return MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<BusListener>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, BusListener.class));
	}

	private record Found(String beanName, Object bean, Method method, BusListener annotation) {

		void registerWith(BusListenerRegistrar registrar) {
			registrar.register(this.beanName, this.bean, this.method, this.annotation);
		}

	}

}
