// Command pulumi-language-nodejs is the Pulumi language host for Node.js programs: the engine
// starts it, calls it over gRPC, and it runs the program with the real @pulumi/pulumi SDK.
// See README.md for why this project carries its own.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// version is set by the toolchain build (-ldflags "-X main.version=…").
var version = "0.0.0-dev"

func main() {
	flag.String("tracing", "", "Zipkin-compatible tracing endpoint (accepted for compatibility, unused)")
	flag.String("root", "", "project root (accepted for compatibility, unused)")
	flag.Parse()

	nodeBin, err := exec.LookPath("node")
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-language-nodejs: could not find node on the PATH:", err)
		os.Exit(1)
	}

	// The engine passes its own address as the one positional argument.
	engineAddress := ""
	if flag.NArg() > 0 {
		engineAddress = flag.Arg(0)
	}

	host := newHost(nodeBin, engineAddress)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
		Options: rpcutil.OpenTracingServerInterceptorOptions(nil),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-language-nodejs: could not start the RPC server:", err)
		os.Exit(1)
	}

	// The engine reads the port from our first line of output.
	fmt.Printf("%d\n", handle.Port)

	if err := <-handle.Done; err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-language-nodejs: RPC server stopped:", err)
		os.Exit(1)
	}
}
