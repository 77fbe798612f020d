{{/*
The Bus sidecar for a pod template of any chart. Every template takes one context:
  (dict "root" $ "values" (index .Values "bus-sidecar") "workload" "Deployment")
root is the chart's top context; values are this library's values as the chart set them (values.yaml has their
defaults and what each means); workload is the kind of the object the pod template is in (a Job or CronJob
refuses a sidecar that would keep it from completing). A pod template then holds, where its other parts are:

  metadata.annotations:          {{- include "bus-sidecar.podAnnotations" $bus | nindent 8 }}
  spec.terminationGracePeriodSeconds: {{ include "bus-sidecar.terminationGracePeriodSeconds" $bus }}
  spec.initContainers (native):  {{- include "bus-sidecar.container" $bus | nindent 8 }}
  spec.containers (classic):     {{- include "bus-sidecar.container" $bus | nindent 8 }}
  the app container's env:       {{- include "bus-sidecar.appEnv" $bus | nindent 12 }}
  spec.volumes:                  {{- include "bus-sidecar.volumes" $bus | nindent 8 }}

with {{ if eq (include "bus-sidecar.native" $bus) "true" }} choosing between the two places of the container.
README.md shows a whole Deployment.
*/}}

{{/* Whether the sidecar runs as a native sidecar: restartable init containers are on by default from 1.29. */}}
{{- define "bus-sidecar.native" -}}
{{- $mode := .values.sidecar.mode -}}
{{- if eq $mode "native" }}true
{{- else if eq $mode "classic" }}false
{{- else if semverCompare ">=1.29.0-0" .root.Capabilities.KubeVersion.Version }}true
{{- else }}false
{{- end }}
{{- end }}

{{/*
The app's shutdown budget, app.shutdownTimeoutSeconds, is its whole shutdown: Spring applies
spring.lifecycle.timeout-per-shutdown-phase to each phase that waits, and a Bus app has two (its listeners finishing
their deliveries, then the web server its requests), so each gets half; the publisher's last confirms come after
them, up to app.confirmTimeoutSeconds (the app's bus.publisher.confirm-timeout).
*/}}
{{- define "bus-sidecar.shutdownPhaseSeconds" -}}
{{- max 1 (div .values.app.shutdownTimeoutSeconds 2) }}
{{- end }}

{{/* The app's whole shutdown at most: its two waiting phases, then its last confirms. */}}
{{- define "bus-sidecar.appStopSeconds" -}}
{{- add (mul 2 (include "bus-sidecar.shutdownPhaseSeconds" . | int)) .values.app.confirmTimeoutSeconds }}
{{- end }}

{{/* The app's wait for its drain at SIGTERM: the sidecar's drain time and a second for its Consul call. */}}
{{- define "bus-sidecar.drainWaitSeconds" -}}
{{- add .values.sidecar.drainSeconds 1 }}
{{- end }}

{{/*
The pod's grace period: the app's drain, its whole shutdown, and the time the sidecar needs after the app exits
(deregistering, its last export).
*/}}
{{- define "bus-sidecar.terminationGracePeriodSeconds" -}}
{{- add (include "bus-sidecar.drainWaitSeconds" . | int) (include "bus-sidecar.appStopSeconds" . | int) .values.sidecar.exitSeconds }}
{{- end }}

{{/* The version the instance registers with: app.version, else app.image.tag, else the chart's appVersion. */}}
{{- define "bus-sidecar.appVersion" -}}
{{- .values.app.version | default (dig "image" "tag" "" .values.app) | default .root.Chart.AppVersion }}
{{- end }}

{{/*
The sidecar image's tag when sidecar.image.tag is empty: the Bus release, this library's appVersion (the parent
chart reaches it through .Subcharts), or the version the caller hands as "version" (bus-service: its own appVersion).
*/}}
{{- define "bus-sidecar.version" -}}
{{- if .version }}{{ .version }}
{{- else }}{{ (index .root.Subcharts "bus-sidecar").Chart.AppVersion }}
{{- end }}
{{- end }}

{{/* The pod's own facts, from the downward API: what the sidecar registers and what spans are tagged with. */}}
{{- define "bus-sidecar.podEnv" -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_UID
  valueFrom:
    fieldRef:
      fieldPath: metadata.uid
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: POD_IP
  valueFrom:
    fieldRef:
      fieldPath: status.podIP
- name: NODE_NAME
  valueFrom:
    fieldRef:
      fieldPath: spec.nodeName
- name: HOST_IP
  valueFrom:
    fieldRef:
      fieldPath: status.hostIP
{{- end }}

{{/*
An image reference: its registry replaced by global.imageRegistry when that is set (the first part of the repository
is a registry when it has a dot or a colon or is localhost, as Docker reads references), the tag (else "version"), and
@digest when one is given. Usage: include "bus-sidecar.image" (dict "image" .Values.app.image "root" $ "version" "1.0")
*/}}
{{- define "bus-sidecar.image" -}}
{{- $repository := .image.repository -}}
{{- $registry := dig "imageRegistry" "" (.root.Values.global | default dict) -}}
{{- if $registry -}}
{{- $parts := splitList "/" $repository -}}
{{- $first := first $parts -}}
{{- if and (gt (len $parts) 1) (or (contains "." $first) (contains ":" $first) (eq $first "localhost")) -}}
{{- $repository = join "/" (rest $parts) -}}
{{- end -}}
{{- $repository = printf "%s/%s" (trimSuffix "/" $registry) $repository -}}
{{- end -}}
{{- $tag := .image.tag | default .version -}}
{{- if .image.digest -}}
{{- printf "%s:%s@%s" $repository $tag .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end -}}
{{- end }}

{{/* The pod template's annotations for the sidecar: which form it runs in. */}}
{{- define "bus-sidecar.podAnnotations" -}}
bus.dev/sidecar-mode: {{ ternary "native" "classic" (eq (include "bus-sidecar.native" .) "true") }}
{{- end }}

{{/*
The app container's environment for the sidecar: the pod's facts, where the sidecar's API and trace receiver are, the
drain at SIGTERM, and a graceful shutdown that fits the grace period.
*/}}
{{- define "bus-sidecar.appEnv" -}}
{{ include "bus-sidecar.podEnv" . }}
- name: SERVER_SHUTDOWN
  value: graceful
# Each waiting phase gets half of the app's budget (see bus-sidecar.shutdownPhaseSeconds).
- name: SPRING_LIFECYCLE_TIMEOUTPERSHUTDOWNPHASE
  value: "{{ include "bus-sidecar.shutdownPhaseSeconds" . }}s"
{{- if not .values.consul.register }}
# consul-k8s takes the instance's Consul health from readiness: it includes Bus's listeners, as the sidecar's TTL
# check would.
- name: MANAGEMENT_ENDPOINT_HEALTH_GROUP_READINESS_INCLUDE
  value: readinessState,bus
{{- end }}
- name: BUS_SIDECARCLIENT_URL
  value: "http://127.0.0.1:{{ .values.sidecar.apiPort }}"
# On SIGTERM the app first takes itself out of Consul's passing set through the sidecar's loopback API (no pre-stop
# hook: a hook's request comes over the pod network, so any pod could send it too).
- name: BUS_SIDECARCLIENT_DRAINTIMEOUT
  value: "{{ include "bus-sidecar.drainWaitSeconds" . }}s"
- name: BUS_TRACING_OTLPENDPOINT
  value: "http://127.0.0.1:{{ .values.sidecar.telemetryPort }}/v1/traces"
- name: OTEL_RESOURCE_ATTRIBUTES
  value: "k8s.pod.name=$(POD_NAME),k8s.pod.uid=$(POD_UID),k8s.namespace.name=$(POD_NAMESPACE),k8s.node.name=$(NODE_NAME)"
{{- end }}

{{/* The sidecar's volumes: its /tmp, and Consul's CA when consul.tls is set. */}}
{{- define "bus-sidecar.volumes" -}}
- name: sidecar-tmp
  emptyDir: {}
{{- with .values.consul.tls.secretName }}
- name: consul-tls
  secret:
    secretName: {{ . }}
{{- end }}
{{- end }}

{{/* The sidecar container, the same in both forms; the native form adds restartPolicy. */}}
{{- define "bus-sidecar.container" -}}
{{- $native := eq (include "bus-sidecar.native" .) "true" -}}
{{- if and (eq (.workload | default "") "Job" "CronJob") (not $native) }}
{{- fail "bus-sidecar: a Job needs the native sidecar (sidecar.mode native, Kubernetes 1.29+): a sidecar in containers never exits, so the Job would never complete" }}
{{- end }}
{{- $v := .values -}}
- name: bus-sidecar
  image: {{ include "bus-sidecar.image" (dict "image" $v.sidecar.image "root" .root "version" (include "bus-sidecar.version" .)) | quote }}
  imagePullPolicy: {{ $v.sidecar.image.pullPolicy }}
  # The image's own entry point adds @jvm.options on the command line, after JAVA_TOOL_OPTIONS, where it would win
  # over sidecar.jvmOptions (a larger -Xmx ignored, another collector refused as a second one): the JVM options are
  # sidecar.jvmOptions alone (its default is jvm.options), and the AppCDS archive serves whatever collector they pick.
  command: ["java", "-XX:SharedArchiveFile=app.jsa", "-jar", "app.jar"]
  {{- if $native }}
  restartPolicy: Always
  {{- end }}
  ports:
    - name: management
      containerPort: {{ $v.sidecar.managementPort }}
      protocol: TCP
  env:
    {{- include "bus-sidecar.podEnv" . | nindent 4 }}
    - name: JAVA_TOOL_OPTIONS
      value: {{ $v.sidecar.jvmOptions | quote }}
    - name: BUS_SIDECAR_APP_NAME
      value: {{ required "bus-sidecar: serviceName is required (the name the instance registers under)" $v.serviceName | quote }}
    - name: BUS_SIDECAR_APP_PORT
      value: {{ $v.app.port | quote }}
    - name: BUS_SIDECAR_APP_MANAGEMENTPORT
      value: {{ $v.app.managementPort | quote }}
    - name: BUS_SIDECAR_APP_HEALTHPATH
      value: {{ $v.app.healthPath | quote }}
    - name: BUS_SIDECAR_APP_VERSION
      value: {{ include "bus-sidecar.appVersion" . | quote }}
    - name: BUS_SIDECAR_API_PORT
      value: {{ $v.sidecar.apiPort | quote }}
    - name: BUS_SIDECAR_MANAGEMENT_PORT
      value: {{ $v.sidecar.managementPort | quote }}
    - name: BUS_SIDECAR_TELEMETRY_PORT
      value: {{ $v.sidecar.telemetryPort | quote }}
    - name: BUS_SIDECAR_TELEMETRY_EXPORTER
      value: {{ $v.tracing.exporter | quote }}
    - name: BUS_SIDECAR_TELEMETRY_ENDPOINT
      value: {{ $v.tracing.endpoint | quote }}
    - name: BUS_SIDECAR_TELEMETRY_SAMPLINGRATIO
      value: {{ $v.tracing.samplingRatio | quote }}
    {{- range $v.tracing.headers }}
    # The header's dashes stay in the variable's name, so the sidecar sends it with them (lower case: header
    # names are case-insensitive).
    - name: BUS_SIDECAR_TELEMETRY_HEADERS_{{ .name | upper }}
      valueFrom:
        secretKeyRef:
          name: {{ .secretName }}
          key: {{ .key }}
    {{- end }}
    - name: BUS_SIDECAR_REGISTRATION_TTL
      value: {{ $v.sidecar.ttl | quote }}
    - name: BUS_SIDECAR_REGISTRATION_DRAINTIME
      value: "{{ $v.sidecar.drainSeconds }}s"
    # A classic sidecar gets SIGTERM with the app: it drains at once and serves the app until the app has exited
    # (its last spans). A native one is stopped after the app, so its wait ends at once.
    - name: BUS_SIDECAR_REGISTRATION_AWAITAPPSTOP
      value: "true"
    - name: BUS_SIDECAR_REGISTRATION_APPSTOPTIMEOUT
      value: "{{ add (include "bus-sidecar.drainWaitSeconds" . | int) (include "bus-sidecar.appStopSeconds" . | int) }}s"
    - name: BUS_SIDECAR_CONSUL_URL
      value: {{ $v.consul.url | default "http://$(HOST_IP):8500" | quote }}
    {{- if not $v.consul.register }}
    - name: BUS_SIDECAR_REGISTRATION_ENABLED
      value: "false"
    {{- end }}
    {{- with $v.consul.aclToken.secretName }}
    - name: BUS_SIDECAR_CONSUL_ACLTOKEN
      valueFrom:
        secretKeyRef:
          name: {{ . }}
          key: {{ $v.consul.aclToken.key }}
    {{- end }}
    {{- if $v.consul.tls.secretName }}
    - name: BUS_SIDECAR_CONSUL_SSLBUNDLE
      value: consul
    - name: SPRING_SSL_BUNDLE_PEM_CONSUL_TRUSTSTORE_CERTIFICATE
      value: file:/etc/bus/consul-tls/{{ $v.consul.tls.caKey }}
    {{- if $v.consul.tls.mutual }}
    - name: SPRING_SSL_BUNDLE_PEM_CONSUL_KEYSTORE_CERTIFICATE
      value: file:/etc/bus/consul-tls/tls.crt
    - name: SPRING_SSL_BUNDLE_PEM_CONSUL_KEYSTORE_PRIVATEKEY
      value: file:/etc/bus/consul-tls/tls.key
    {{- end }}
    {{- end }}
    {{- with $v.sidecar.env }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  startupProbe:
    httpGet:
      path: /actuator/health/readiness
      port: management
    periodSeconds: 1
    failureThreshold: 30
    timeoutSeconds: {{ $v.sidecar.probeTimeoutSeconds }}
  livenessProbe:
    httpGet:
      path: /actuator/health/liveness
      port: management
    periodSeconds: 10
    timeoutSeconds: {{ $v.sidecar.probeTimeoutSeconds }}
  readinessProbe:
    httpGet:
      path: /actuator/health/readiness
      port: management
    periodSeconds: 5
    timeoutSeconds: {{ $v.sidecar.probeTimeoutSeconds }}
  resources:
    {{- toYaml $v.sidecar.resources | nindent 4 }}
  securityContext:
    {{- toYaml $v.containerSecurityContext | nindent 4 }}
  volumeMounts:
    - name: sidecar-tmp
      mountPath: /tmp
    {{- if $v.consul.tls.secretName }}
    - name: consul-tls
      mountPath: /etc/bus/consul-tls
      readOnly: true
    {{- end }}
{{- end }}
