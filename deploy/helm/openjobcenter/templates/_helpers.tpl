{{- define "ojc.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ojc.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "ojc.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "ojc.secretName" -}}
{{- if .Values.secret.existingSecret -}}
{{- .Values.secret.existingSecret -}}
{{- else if .Values.secret.create -}}
{{- printf "%s-secret" (include "ojc.fullname" .) -}}
{{- else -}}
{{- fail "secret.existingSecret (a Secret with SECRET_KEY, DATABASE_URL, DOCUMENTS_MASTER_KEY, ...) or secret.create must be set" -}}
{{- end -}}
{{- end -}}

{{- define "ojc.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The pod-level security context: non-root; OpenShift picks the UID itself. */}}
{{- define "ojc.podSecurityContext" -}}
{{- $ctx := deepCopy .Values.podSecurityContext -}}
{{- if not .Values.openshift -}}
{{- $_ := set $ctx "runAsUser" .Values.runAsUser -}}
{{- $_ := set $ctx "runAsGroup" 0 -}}
{{- $_ := set $ctx "fsGroup" .Values.fsGroup -}}
{{- end -}}
{{- toYaml $ctx -}}
{{- end -}}

{{/* One container of the app: image, settings, read-only root, writable /tmp and data. */}}
{{- define "ojc.container" -}}
- name: {{ .component }}
  image: {{ include "ojc.image" .root }}
  imagePullPolicy: {{ .root.Values.image.pullPolicy }}
  args: [{{ .command | quote }}]
  envFrom:
    - configMapRef:
        name: {{ include "ojc.fullname" .root }}-config
    - secretRef:
        name: {{ include "ojc.secretName" .root }}
  securityContext:
    runAsNonRoot: true
    readOnlyRootFilesystem: true
    allowPrivilegeEscalation: false
    capabilities:
      drop: [ALL]
  volumeMounts:
    - name: tmp
      mountPath: /tmp
    - name: data
      mountPath: /var/lib/openjobcenter
  resources:
    {{- toYaml .resources | nindent 4 }}
{{- end -}}

{{- define "ojc.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
- name: data
  emptyDir: {}
{{- end -}}

{{- define "ojc.podCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
automountServiceAccountToken: false
securityContext:
  {{- include "ojc.podSecurityContext" . | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
