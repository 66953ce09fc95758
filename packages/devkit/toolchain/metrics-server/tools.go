//go:build tools

// Package tools pins metrics-server (resource metrics for HorizontalPodAutoscalers) so `go build`
// can build it from this module.
package tools

import _ "sigs.k8s.io/metrics-server/cmd/metrics-server"
