package dev.bus.listener;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;

import dev.bus.annotation.BusListener;

/**
 * Finds {@code @BusListener} methods on beans and, once all singletons exist, hands them to the
 * {@link BusListenerRegistrar}. Collecting first and registering later keeps this post-processor free of
 * dependencies, so no bean is created early and every bean stays eligible for proxying.
 */
public class BusListenerAnnotationBeanPostProcessor implements BeanPostProcessor, SmartInitializingSingleton {

	private final BeanFactory beanFactory;

	private final List<Found> found = new ArrayList<>();

	public BusListenerAnnotationBeanPostProcessor(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		Map<Method, BusListener> methods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<BusListener>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, BusListener.class));
		methods.forEach((method, annotation) -> this.found
			.add(new Found(beanName, bean, AopUtils.selectInvocableMethod(method, bean.getClass()), annotation)));
		return bean;
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.found.isEmpty()) {
			return;
		}
		BusListenerRegistrar registrar = this.beanFactory.getBean(BusListenerRegistrar.class);
		for (Found listener : this.found) {
			registrar.register(listener.beanName, listener.bean, listener.method, listener.annotation);
		}
		this.found.clear();
	}

	private record Found(String beanName, Object bean, Method method, BusListener annotation) {
	}

}
