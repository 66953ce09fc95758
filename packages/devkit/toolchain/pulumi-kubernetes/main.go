// Command pulumi-resource-kubernetes serves the Kubernetes provider. Upstream's main embeds
// files generated at release time that its module zip lacks; the toolchain build writes them
// beside this file from the module's schema.json and terraform-mapping.json before compiling.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
