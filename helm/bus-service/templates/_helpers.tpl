{{/* Names and labels; the sidecar's parts come from the bus-sidecar library chart (charts/). */}}

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
