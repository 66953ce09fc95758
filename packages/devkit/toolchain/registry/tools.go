//go:build tools

// Package tools pins distribution's registry command: what `dotmac-dev images push` is tested
// against, built as it is.
package tools

import _ "github.com/distribution/distribution/v3/cmd/registry"
