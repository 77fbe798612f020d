package dev.bus.listener;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

import org.springframework.util.ReflectionUtils;

import dev.bus.BusMessage;

/**
 * A {@code @BusListener} method and how to call it: which parameter takes the payload,
 * which the {@link BusMessage}, and the payload's full generic type. Built once at
 * start-up, where a signature Bus cannot serve fails with the method's name.
 */
public final class ListenerMethod {

	private final Object bean;

	private final Method method;

	private final int payloadIndex;

	private final int messageIndex;

	private final Type payloadType;

	private ListenerMethod(Object bean, Method method, int payloadIndex, int messageIndex, Type payloadType) {
		this.bean = bean;
		this.method = method;
		this.payloadIndex = payloadIndex;
		this.messageIndex = messageIndex;
		this.payloadType = payloadType;
		ReflectionUtils.makeAccessible(method);
	}

	/**
	 * Resolves a method's parameters.
	 * @throws IllegalStateException naming the method when its signature is not supported
	 */
	public static ListenerMethod of(Object bean, Method method) {
		int payloadIndex = -1;
		int messageIndex = -1;
		Type[] types = method.getGenericParameterTypes();
		for (int i = 0; i < types.length; i++) {
			if (BusMessage.class.equals(rawType(types[i]))) {
				if (messageIndex >= 0) {
					throw invalid(method, "declares more than one BusMessage parameter");
				}
				messageIndex = i;
			}
			else {
				if (payloadIndex >= 0) {
					throw invalid(method, "declares more than one payload parameter (parameters " + payloadIndex
							+ " and " + i + "); at most one payload and one BusMessage<T> parameter are supported");
				}
				payloadIndex = i;
			}
		}
		Type payloadType = resolvePayloadType(method, types, payloadIndex, messageIndex);
		return new ListenerMethod(bean, method, payloadIndex, messageIndex, payloadType);
	}

	private static Type resolvePayloadType(Method method, Type[] types, int payloadIndex, int messageIndex) {
		Type fromMessage = null;
		if (messageIndex >= 0) {
			fromMessage = (types[messageIndex] instanceof ParameterizedType parameterized)
					? parameterized.getActualTypeArguments()[0] : Object.class;
		}
		if (payloadIndex >= 0) {
			return types[payloadIndex];
		}
		if (fromMessage != null) {
			if (fromMessage instanceof java.lang.reflect.TypeVariable<?>
					|| fromMessage instanceof java.lang.reflect.WildcardType) {
				throw invalid(method, "declares BusMessage with an unresolvable payload type " + fromMessage);
			}
			return fromMessage;
		}
		throw invalid(method, "declares no parameter; a listener takes a payload and/or a BusMessage<T>");
	}

	private static Class<?> rawType(Type type) {
		if (type instanceof Class<?> cls) {
			return cls;
		}
		return (type instanceof ParameterizedType parameterized) ? (Class<?>) parameterized.getRawType() : null;
	}

	static IllegalStateException invalid(Method method, String problem) {
		return new IllegalStateException("Invalid @BusListener method " + describe(method) + ": " + problem);
	}

	static String describe(Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName();
	}

	/** The payload's declared type, generics included. */
	public Type payloadType() {
		return this.payloadType;
	}

	public Method method() {
		return this.method;
	}

	/** Whether the method returns a value, which answers a request (request-reply). */
	public boolean answers() {
		return this.method.getReturnType() != void.class && this.method.getReturnType() != Void.class;
	}

	public String describe() {
		return describe(this.method);
	}

	/**
	 * Calls the method.
	 * @return what it returned ({@code null} for {@code void}): the reply, when the
	 * message is a request
	 * @throws InvocationTargetException wrapping whatever the method threw
	 */
	public Object invoke(BusMessage<?> message) throws InvocationTargetException {
		Object[] arguments = new Object[this.method.getParameterCount()];
		if (this.payloadIndex >= 0) {
			arguments[this.payloadIndex] = message.payload();
		}
		if (this.messageIndex >= 0) {
			arguments[this.messageIndex] = message;
		}
		try {
			return this.method.invoke(this.bean, arguments);
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException("Cannot call " + describe(), ex);
		}
	}

}
