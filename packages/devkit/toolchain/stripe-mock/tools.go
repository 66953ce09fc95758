//go:build tools

// Package tools pins stripe-mock, Stripe's own mock of its API (the OpenAPI spec and fixtures
// it embeds): what the card payments are tested against.
package tools

import _ "github.com/stripe/stripe-mock"
