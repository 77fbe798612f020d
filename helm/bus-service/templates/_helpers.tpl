{{/* Names, labels and the pieces the pod template shares between the two sidecar forms. */}}

{{- define "bus-service.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "bus-service.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "bus-service.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "bus-service.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "bus-service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "bus-service.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The pods' labels: no chart version, so upgrading the chart alone does not roll the pods. */}}
{{- define "bus-service.podLabels" -}}
{{ include "bus-service.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.app.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: bus
bus.dev/service: {{ .Values.serviceName }}
{{- end }}

{{- define "bus-service.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{ include "bus-service.podLabels" . }}
{{- end }}

{{- define "bus-service.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "bus-service.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Whether the sidecar runs as a native sidecar: restartable init containers are on by default from 1.29. */}}
{{- define "bus-service.nativeSidecar" -}}
{{- if eq .Values.sidecar.mode "native" }}true
{{- else if eq .Values.sidecar.mode "classic" }}false
{{- else if semverCompare ">=1.29.0-0" .Capabilities.KubeVersion.Version }}true
{{- else }}false
{{- end }}
{{- end }}

{{/*
The pod's grace period, from the drain settings: the app's pre-stop drain, its graceful shutdown, and the time the
sidecar needs after the app exits (deregistering, its last export).
*/}}
{{/*
The app's shutdown budget, app.shutdownTimeoutSeconds, is its whole shutdown: Spring applies
spring.lifecycle.timeout-per-shutdown-phase to each phase that waits, and a Bus app has two (its listeners finishing
their deliveries, then the web server its requests), so each gets half; the publisher's last confirms come after
them, up to app.confirmTimeoutSeconds (the app's bus.publisher.confirm-timeout).
*/}}
{{- define "bus-service.shutdownPhaseSeconds" -}}
{{- max 1 (div .Values.app.shutdownTimeoutSeconds 2) }}
{{- end }}

{{/* The app's whole shutdown at most: its two waiting phases, then its last confirms. */}}
{{- define "bus-service.appStopSeconds" -}}
{{- add (mul 2 (include "bus-service.shutdownPhaseSeconds" . | int)) .Values.app.confirmTimeoutSeconds }}
{{- end }}

{{/* The app's wait for its drain at SIGTERM: the sidecar's drain time and a second for its Consul call. */}}
{{- define "bus-service.drainWaitSeconds" -}}
{{- add .Values.sidecar.drainSeconds 1 }}
{{- end }}

{{- define "bus-service.terminationGracePeriodSeconds" -}}
{{- add (include "bus-service.drainWaitSeconds" . | int) (include "bus-service.appStopSeconds" . | int) .Values.sidecar.exitSeconds }}
{{- end }}

{{- define "bus-service.podEnv" -}}
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

{{- define "bus-service.containerSecurityContext" -}}
{{- toYaml .Values.containerSecurityContext }}
{{- end }}

{{/*
An image reference: its registry replaced by global.imageRegistry when that is set (the first part of the repository
is a registry when it has a dot or a colon or is localhost, as Docker reads references), the tag (else the chart's
appVersion), and @digest when one is given. Usage: include "bus-service.image" (dict "image" .Values.app.image "root" .)
*/}}
{{- define "bus-service.image" -}}
{{- $repository := .image.repository -}}
{{- $registry := .root.Values.global.imageRegistry | default "" -}}
{{- if $registry -}}
{{- $parts := splitList "/" $repository -}}
{{- $first := first $parts -}}
{{- if and (gt (len $parts) 1) (or (contains "." $first) (contains ":" $first) (eq $first "localhost")) -}}
{{- $repository = join "/" (rest $parts) -}}
{{- end -}}
{{- $repository = printf "%s/%s" (trimSuffix "/" $registry) $repository -}}
{{- end -}}
{{- $tag := .image.tag | default .root.Chart.AppVersion -}}
{{- if .image.digest -}}
{{- printf "%s:%s@%s" $repository $tag .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end -}}
{{- end }}

{{/* The pod's image pull secrets: global.imagePullSecrets and the chart's own, each a name or {name: ...}. */}}
{{- define "bus-service.imagePullSecrets" -}}
{{- $secrets := concat (.Values.global.imagePullSecrets | default list) (.Values.imagePullSecrets | default list) -}}
{{- if $secrets }}
imagePullSecrets:
{{- range $secrets }}
  - name: {{ if kindIs "map" . }}{{ .name }}{{ else }}{{ . }}{{ end }}
{{- end }}
{{- end }}
{{- end }}

{{/* The sidecar container, the same in both forms; the native form adds restartPolicy. */}}
{{- define "bus-service.sidecarContainer" -}}
{{- $native := eq (include "bus-service.nativeSidecar" .) "true" -}}
- name: bus-sidecar
  image: {{ include "bus-service.image" (dict "image" .Values.sidecar.image "root" .) | quote }}
  imagePullPolicy: {{ .Values.sidecar.image.pullPolicy }}
  # The image's own entry point adds @jvm.options on the command line, after JAVA_TOOL_OPTIONS, where it would win
  # over sidecar.jvmOptions (a larger -Xmx ignored, another collector refused as a second one): the JVM options are
  # sidecar.jvmOptions alone (its default is jvm.options), and the AppCDS archive serves whatever collector they pick.
  command: ["java", "-XX:SharedArchiveFile=app.jsa", "-jar", "app.jar"]
  {{- if $native }}
  restartPolicy: Always
  {{- end }}
  ports:
    - name: management
      containerPort: {{ .Values.sidecar.managementPort }}
      protocol: TCP
  env:
    {{- include "bus-service.podEnv" . | nindent 4 }}
    - name: JAVA_TOOL_OPTIONS
      value: {{ .Values.sidecar.jvmOptions | quote }}
    - name: BUS_SIDECAR_APP_NAME
      value: {{ .Values.serviceName | quote }}
    - name: BUS_SIDECAR_APP_PORT
      value: {{ .Values.app.port | quote }}
    - name: BUS_SIDECAR_APP_MANAGEMENTPORT
      value: {{ .Values.app.managementPort | quote }}
    - name: BUS_SIDECAR_APP_HEALTHPATH
      value: {{ .Values.app.healthPath | quote }}
    - name: BUS_SIDECAR_APP_VERSION
      value: {{ .Values.app.image.tag | default .Chart.AppVersion | quote }}
    - name: BUS_SIDECAR_API_PORT
      value: {{ .Values.sidecar.apiPort | quote }}
    - name: BUS_SIDECAR_MANAGEMENT_PORT
      value: {{ .Values.sidecar.managementPort | quote }}
    - name: BUS_SIDECAR_TELEMETRY_PORT
      value: {{ .Values.sidecar.telemetryPort | quote }}
    - name: BUS_SIDECAR_TELEMETRY_EXPORTER
      value: {{ .Values.tracing.exporter | quote }}
    - name: BUS_SIDECAR_TELEMETRY_ENDPOINT
      value: {{ .Values.tracing.endpoint | quote }}
    - name: BUS_SIDECAR_TELEMETRY_SAMPLINGRATIO
      value: {{ .Values.tracing.samplingRatio | quote }}
    {{- range .Values.tracing.headers }}
    # The header's dashes stay in the variable's name, so the sidecar sends it with them (lower case: header
    # names are case-insensitive).
    - name: BUS_SIDECAR_TELEMETRY_HEADERS_{{ .name | upper }}
      valueFrom:
        secretKeyRef:
          name: {{ .secretName }}
          key: {{ .key }}
    {{- end }}
    - name: BUS_SIDECAR_REGISTRATION_TTL
      value: {{ .Values.sidecar.ttl | quote }}
    - name: BUS_SIDECAR_REGISTRATION_DRAINTIME
      value: "{{ .Values.sidecar.drainSeconds }}s"
    # A classic sidecar gets SIGTERM with the app: it drains at once and serves the app until the app has exited
    # (its last spans). A native one is stopped after the app, so its wait ends at once.
    - name: BUS_SIDECAR_REGISTRATION_AWAITAPPSTOP
      value: "true"
    - name: BUS_SIDECAR_REGISTRATION_APPSTOPTIMEOUT
      value: "{{ add (include "bus-service.drainWaitSeconds" . | int) (include "bus-service.appStopSeconds" . | int) }}s"
    - name: BUS_SIDECAR_CONSUL_URL
      value: {{ .Values.consul.url | default "http://$(HOST_IP):8500" | quote }}
    {{- if not .Values.consul.register }}
    - name: BUS_SIDECAR_REGISTRATION_ENABLED
      value: "false"
    {{- end }}
    {{- with .Values.consul.aclToken.secretName }}
    - name: BUS_SIDECAR_CONSUL_ACLTOKEN
      valueFrom:
        secretKeyRef:
          name: {{ . }}
          key: {{ $.Values.consul.aclToken.key }}
    {{- end }}
    {{- if .Values.consul.tls.secretName }}
    - name: BUS_SIDECAR_CONSUL_SSLBUNDLE
      value: consul
    - name: SPRING_SSL_BUNDLE_PEM_CONSUL_TRUSTSTORE_CERTIFICATE
      value: file:/etc/bus/consul-tls/{{ .Values.consul.tls.caKey }}
    {{- if .Values.consul.tls.mutual }}
    - name: SPRING_SSL_BUNDLE_PEM_CONSUL_KEYSTORE_CERTIFICATE
      value: file:/etc/bus/consul-tls/tls.crt
    - name: SPRING_SSL_BUNDLE_PEM_CONSUL_KEYSTORE_PRIVATEKEY
      value: file:/etc/bus/consul-tls/tls.key
    {{- end }}
    {{- end }}
    {{- with .Values.sidecar.env }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  startupProbe:
    httpGet:
      path: /actuator/health/readiness
      port: management
    periodSeconds: 1
    failureThreshold: 30
    timeoutSeconds: {{ .Values.sidecar.probeTimeoutSeconds }}
  livenessProbe:
    httpGet:
      path: /actuator/health/liveness
      port: management
    periodSeconds: 10
    timeoutSeconds: {{ .Values.sidecar.probeTimeoutSeconds }}
  readinessProbe:
    httpGet:
      path: /actuator/health/readiness
      port: management
    periodSeconds: 5
    timeoutSeconds: {{ .Values.sidecar.probeTimeoutSeconds }}
  resources:
    {{- toYaml .Values.sidecar.resources | nindent 4 }}
  securityContext:
    {{- include "bus-service.containerSecurityContext" . | nindent 4 }}
  volumeMounts:
    - name: sidecar-tmp
      mountPath: /tmp
    {{- if .Values.consul.tls.secretName }}
    - name: consul-tls
      mountPath: /etc/bus/consul-tls
      readOnly: true
    {{- end }}
{{- end }}
