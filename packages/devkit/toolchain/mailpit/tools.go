//go:build tools

// Package tools pins Mailpit: the SMTP server (and its HTTP API) the tests and the local
// platform send tenant mail to, built as it is.
package tools

import _ "github.com/axllent/mailpit"
